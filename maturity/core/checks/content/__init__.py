"""Built-in content checks: one module per check id."""
