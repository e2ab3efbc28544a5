"""Legal documents: templates, contract review, payment orders, PDF/DOCX output, issued reports."""
