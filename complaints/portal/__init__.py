"""The resident portal: server-rendered pages to file, follow, confirm and rate complaints."""
