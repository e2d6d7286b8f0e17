"""Outside feedback ("signals"): CSV exports of social-listening, survey and service-desk tools,
imported by product managers and clustered with the ideas into themes. Never public.

reading.py (the streamed CSV reader and row checks), services.py (the import), embedding.py
(vectors for the themes run), clustering.py (ideas and signals clustered together), selectors.py,
forms.py, views.py (the two-step form, under the `themes` namespace); docs/signals.md.
"""
