"""The outbox: domain events recorded in the transaction of the state change, delivered to their
consumers by the worker (docs/architecture.md, "Events").

Infrastructure below the three apps, like config.ops: it knows no idea, comment or member. Each
app names its events in `<app>/events.py` and subscribes its consumers in `<app>/consumers.py`
(loaded by its AppConfig.ready), so `accounts`, `ideas` and `community` can all record events
without importing each other.
"""
