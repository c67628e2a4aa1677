"""Built-in security checks: one module per check id."""
