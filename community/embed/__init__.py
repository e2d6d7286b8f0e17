"""The "Suggest an idea" widget: a compact page a bank frames in its own site or app
(docs/widget.md)."""
