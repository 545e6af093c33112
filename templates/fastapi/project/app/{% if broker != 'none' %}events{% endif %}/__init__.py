"""Events: the CloudEvents envelope, the transactional outbox and its relay, consumers with an
inbox, retries and dead letters (docs: the project's README, backendkit's docs/events.md)."""
