"""The bundled demo: a fictional state agency website with known, deliberate defects.

``site/`` holds the static pages, ``server.py`` serves them on loopback (standard library
only), and ``defects.yaml`` lists every defect the audit is expected to find.
"""
