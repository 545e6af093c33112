"""Jobs: one module per kind of long-running work the worker runs (backendkit add job)."""
