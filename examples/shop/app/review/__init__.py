"""Reviews: model, schemas, repository, service and routes."""
