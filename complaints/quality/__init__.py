"""Service quality tools (issue 16) that hold rules but write nothing: filling reply
scripts (`scripts`), drawing the inspection sample (`sampling`), and who sees which
scripts and inspections (`selectors`). The writes are complaints.services.quality."""
