"""Item pipelines: thin adapters around the pure functions of :mod:`crawler`, counting what they do."""
