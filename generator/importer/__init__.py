"""``kh import``: a Word (.docx), text, or LibreOffice-readable plan → plan YAML + profile + report."""
