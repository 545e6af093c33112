"""Tests of `backendkit health` and its library."""
