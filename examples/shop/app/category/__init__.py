"""Categories: model, schemas, repository, service and routes."""
