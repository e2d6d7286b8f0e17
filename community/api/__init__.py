"""The REST API under /api/v1/ (docs/api.md): DRF views calling the same services, selectors and
access helpers as the site's pages, so every rule of the site holds here too."""
