"""Built-in accessibility checks: one module per check id."""
