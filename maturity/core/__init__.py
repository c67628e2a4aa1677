"""The pure core: the model, checks, rubrics, scoring, gates, history, attestations and config files.

No browser, HTTP, database or terminal code: only data in, data out.
"""
