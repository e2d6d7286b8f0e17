"""The retention schedule (schedule.py), the purge that applies it (purge.py), its daily task
(tasks.py) and `manage.py retention`. docs/compliance.md, docs/processing-record.md."""
