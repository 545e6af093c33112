"""Fixtures: see support.py."""

from tests.migrate.support import postgres_database, product, shared_venv

__all__ = ["postgres_database", "product", "shared_venv"]
