"""Small helpers shared by tests."""

import csv
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_to_get(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """How many SQL queries a successful GET of `url` makes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A UTF-8 CSV file with a header row taken from the first row's keys."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
