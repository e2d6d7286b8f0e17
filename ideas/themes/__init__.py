"""Themes in the portal: stored idea vectors, clustering runs, stable theme identity, trends.

The analysis itself is the Django-free engine in `ideas.clustering`; this package feeds it
from the database and publishes its results.
"""
