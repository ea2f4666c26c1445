"""One Typer sub-app per concern; each command parses options, calls the domain, renders."""
