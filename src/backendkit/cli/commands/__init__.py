"""One module per command; each exposes a Typer ``app`` that main.py adds."""
