"""maturity: measure how mature a government organisation's digital presence is."""

__version__ = "0.1.0"
