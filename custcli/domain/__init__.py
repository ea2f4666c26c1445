"""Pure logic: no typer, rich or spreadsheet libraries here."""
