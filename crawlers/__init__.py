"""Collecting: discovery (robots, sitemaps, link crawl), HTTP facts and the browser gatherers.

This package collects facts; it never judges them. Only this package imports
Playwright or httpx.
"""
