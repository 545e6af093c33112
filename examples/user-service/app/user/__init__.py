"""Users: model, schemas, repository, service and routes."""
