"""Checks of the documents (PDFs) a site publishes: each is site-level, over the documents collected."""
