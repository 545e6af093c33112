"""Data access for users: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.user.models import User
from app.user.schemas import SORTABLE


class UserRepository(Repository[User]):
    """Queries on the users table."""

    model = User
    sortable = SORTABLE
