"""Reads for outside feedback (product managers only: the views check the permission)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ideas.models import SignalImport


def signal_imports_recent(*, limit: int = 20) -> QuerySet[SignalImport]:
    return SignalImport.objects.select_related("imported_by").order_by("-created_at", "-pk")[:limit]


def signal_import_get(*, pk: int) -> SignalImport:
    return get_object_or_404(SignalImport.objects.select_related("imported_by"), pk=pk)
