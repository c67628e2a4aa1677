"""Workflows: the one floor that composes collectors, the store, the core and the renderers."""
