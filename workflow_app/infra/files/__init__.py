"""Bounded readers of uploaded files: the PDF check (pdf_check), spreadsheets (tabular, over sheet_reader in a child process)."""
