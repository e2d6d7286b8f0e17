"""Reads for outside feedback (product managers only: the views check the permission)."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ideas.models import ClusteringRun, Signal, SignalImport
from ideas.models.themes import in_reader_language


def signal_imports_recent(*, limit: int = 20) -> QuerySet[SignalImport]:
    return SignalImport.objects.select_related("imported_by").order_by("-created_at", "-pk")[:limit]


def signal_import_get(*, pk: int) -> SignalImport:
    return get_object_or_404(SignalImport.objects.select_related("imported_by"), pk=pk)


@dataclass(frozen=True)
class OutsideOnly:
    """A cluster of outside signals that no idea is about, as the published run found it."""

    size: int
    sources: dict[str, int]  # most signals first
    names: dict[str, str]  # language -> the engine's name
    terms: dict[str, list[str]]  # language -> key terms
    examples: list[Signal] = field(default_factory=list)  # most central first

    @property
    def name(self) -> str:
        """In the reader's language, else in the other one."""
        return in_reader_language(self.names.get("en", ""), self.names.get("fr", ""))

    @property
    def key_terms(self) -> list[str]:
        return in_reader_language(self.terms.get("en", []), self.terms.get("fr", []))


def outside_only(*, run: ClusteringRun | None) -> list[OutsideOnly]:
    """The run's clusters of signals without ideas, largest first, with their example signals
    (one query; an example deleted since the run, by retention or with its import, is left
    out)."""
    if run is None or not run.outside_clusters:
        return []
    ids = [pk for cluster in run.outside_clusters for pk in cluster["examples"]]
    signals = Signal.objects.in_bulk(ids)
    return [
        OutsideOnly(
            size=cluster["size"],
            sources=dict(sorted(cluster["sources"].items(), key=lambda item: (-item[1], item[0]))),
            names=cluster["names"],
            terms=cluster["terms"],
            examples=[signals[pk] for pk in cluster["examples"] if pk in signals],
        )
        for cluster in run.outside_clusters
    ]
