"""Data access for catalog entries: the generic queries, plus any of your own."""

from __future__ import annotations

from app.catalog_entry.models import CatalogEntry
from app.catalog_entry.schemas import SORTABLE
from app.core.repository import Repository


class CatalogEntryRepository(Repository[CatalogEntry]):
    """Queries on the catalog_entries table."""

    model = CatalogEntry
    sortable = SORTABLE
