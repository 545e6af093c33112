"""Projects rendered from an external Copier template (``backendkit new --template``)."""
