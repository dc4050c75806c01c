"""Tests of the PDF documents (no Qt)."""
