"""Data access for products: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.product.models import Product
from app.product.schemas import SORTABLE


class ProductRepository(Repository[Product]):
    """Queries on the products table."""

    model = Product
    sortable = SORTABLE
