"""PDF documents for clients: domain data in, PDF bytes out (reportlab and Jinja2, no Qt, no DB)."""
