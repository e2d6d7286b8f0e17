"""Helpers for outside feedback: CSV files written in memory, the import as a product manager."""

import csv
import io

import pytest

from ideas.models import SignalImport
from ideas.outside.reading import ColumnMapping
from ideas.outside.services import signals_import

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
