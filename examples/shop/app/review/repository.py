"""Data access for reviews: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.review.models import Review


class ReviewRepository(Repository[Review]):
    """Queries on the reviews table."""

    model = Review
    sortable = ("created_at", "product_id", "rating", "updated_at")
