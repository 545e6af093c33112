"""Catalog entries: model, schemas, repository, service and routes."""
