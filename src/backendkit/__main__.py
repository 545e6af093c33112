"""Run the command-line interface as ``python -m backendkit``."""

from backendkit.cli.main import run

run()
