"""Helpers for outside feedback: CSV files written in memory, the import as a product manager."""

import csv
import io

import numpy as np
import pytest

from ideas.models import IdeaVector, Signal, SignalImport, SignalVector
from ideas.outside.reading import ColumnMapping
from ideas.outside.services import signals_import
from ideas.themes import embedding

HEADER = ["Message", "Posted", "Network", "User", "Link"]
MAPPING = ColumnMapping(text="Message", date="Posted", source="Network", author="User", url="Link")


def csv_bytes(
    rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ",", encoding="utf-8"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def post(text: str, day: str = "2026-11-20", source: str = "X", user: str = "@someone", url=""):  # type: ignore[no-untyped-def]
    return [text, day, source, user, url]


def run_import(actor, data: bytes, mapping: ColumnMapping = MAPPING, **kwargs) -> SignalImport:  # type: ignore[no-untyped-def]
    return signals_import(
        actor=actor,
        chunks=io.BytesIO(data),
        file_name=kwargs.pop("file_name", "export.csv"),
        mapping=mapping,
        via=SignalImport.Via.COMMAND,
        size=len(data),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SIGNALS_UPLOAD_DIR = str(tmp_path / "uploads")


def store_vectors(groups: dict[str, list]) -> None:  # type: ignore[type-arg]
    """Vectors of ideas and signals stored as the themes run would have (same backend, same
    text hash), each group around its own direction: the run clusters them without embedding
    anything, so the test proves the run, not the encoders (tests/themes/test_runs.py does)."""
    embedder = embedding.stable_embedder()
    assert embedder is not None
    rng = np.random.default_rng(7)
    for seed, name in enumerate(sorted(groups)):
        base = np.random.default_rng(seed).standard_normal(embedder.dim).astype(np.float32)
        for item in groups[name]:
            row = base + 0.35 * rng.standard_normal(embedder.dim).astype(np.float32)
            data = (row / np.linalg.norm(row)).astype("<f4").tobytes()
            if isinstance(item, Signal):
                SignalVector.objects.create(signal=item, backend=embedder.name, data=data)
            else:
                IdeaVector.objects.create(
                    idea=item,
                    backend=embedder.name,
                    data=data,
                    text_hash=embedding._hash(embedding.idea_text(item)),
                )
