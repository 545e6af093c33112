"""Event handlers: one module per event type this service consumes (backendkit add consumer)."""
