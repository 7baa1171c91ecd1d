"""Service quality tools (issue 16) that hold rules but write nothing: filling reply
scripts (`scripts`), drawing the inspection sample (`sampling`), the personal data a
model case may not carry (`personal_data`), and who sees which scripts, inspections,
corrective actions and cases (`selectors`). The writes are complaints.services.quality."""
