"""Products: model, schemas, repository, service and routes."""
