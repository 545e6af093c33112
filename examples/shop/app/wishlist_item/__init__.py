"""Wishlist items: model, schemas, repository, service and routes."""
