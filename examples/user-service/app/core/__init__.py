"""Plumbing shared by every resource: settings, database, errors, middleware, health."""
