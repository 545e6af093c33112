"""Data access for catalog entries: the generic queries, plus any of your own."""

from __future__ import annotations

from app.catalog_entry.models import CatalogEntry
from app.core.repository import Repository


class CatalogEntryRepository(Repository[CatalogEntry]):
    """Queries on the catalog_entries table."""

    model = CatalogEntry
    sortable = (
        "contact",
        "cost",
        "created_at",
        "external_id",
        "homepage",
        "published_at",
        "published_on",
        "rank",
        "score",
        "status",
        "title",
        "updated_at",
        "views",
    )
