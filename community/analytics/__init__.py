"""Staff analytics: figures over a chosen period, drawn as SVG, with a privacy floor
(docs/analytics.md)."""
