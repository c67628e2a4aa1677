"""Helpers for the form checks (not a check module)."""

from maturity.core.checks import PageInput


def has_fields(page: PageInput) -> bool:
    """Whether the page has any form field (in a form or outside one)."""
    doc = page.document
    return any(form.fields for form in doc.forms) or bool(doc.loose_fields)
