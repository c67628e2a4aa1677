"""Built-in performance checks: one module per check id."""
