"""Built-in mobile checks: one module per check id."""
