"""Data access for categories: the generic queries, plus any of your own."""

from __future__ import annotations

from app.category.models import Category
from app.category.schemas import SORTABLE
from app.core.repository import Repository


class CategoryRepository(Repository[Category]):
    """Queries on the categories table."""

    model = Category
    sortable = SORTABLE
