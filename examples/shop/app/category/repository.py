"""Data access for categories: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.category.models import Category


class CategoryRepository(Repository[Category]):
    """Queries on the categories table."""

    model = Category
    sortable = ("created_at", "name", "updated_at")
