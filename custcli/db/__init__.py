"""The only SQL in cust: opening the file, migrations, and the query functions."""
