"""Bringing files in (training files, ChatGPT exports, manuscripts, spreadsheets) and
writing them out (export)."""
