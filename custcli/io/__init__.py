"""Spreadsheet reading and writing; every spreadsheet library is imported here, lazily."""
