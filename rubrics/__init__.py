"""Shipped maturity rubrics (YAML data only)."""
