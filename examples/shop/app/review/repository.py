"""Data access for reviews: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.review.models import Review
from app.review.schemas import SORTABLE


class ReviewRepository(Repository[Review]):
    """Queries on the reviews table."""

    model = Review
    sortable = SORTABLE
