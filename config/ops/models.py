from django.db import models


class CacheFallbackEntry(models.Model):
    """The cache table behind Redis for security counters (config.cache): the columns Django's
    DatabaseCache reads and writes, created by a migration rather than `createcachetable`."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "ruche_cache_fallback"

    def __str__(self) -> str:
        return self.cache_key
