"""Tests of `backendkit loadtest` and its library."""
