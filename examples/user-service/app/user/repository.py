"""Data access for users: the generic queries, plus any of your own."""

from __future__ import annotations

from app.core.repository import Repository
from app.user.models import User


class UserRepository(Repository[User]):
    """Queries on the users table."""

    model = User
    sortable = ("created_at", "email", "name", "role", "updated_at")
