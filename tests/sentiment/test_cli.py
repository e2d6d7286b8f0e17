import csv
from pathlib import Path

import pytest

from ideas.sentiment.cli import main
from tests.helpers import write_csv


def test_cli_writes_one_row_per_input_row_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = ["Merci, super appli", "C'est inadmissible, toujours pas remboursé", "", "😀"]
    src = write_csv(tmp_path / "in.csv", [{"ref": f"R{i}", "body": t} for i, t in enumerate(texts)])
    out = tmp_path / "scores.csv"
    args = ["score", "--input", str(src), "--text-column", "body", "--id-column", "ref"]
    assert main([*args, "--output", str(out), "--backend", "lexicon"]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["id", "sentiment", "score", "complaint"]
    assert [r[0] for r in rows[1:]] == ["R0", "R1", "R2", "R3"]
    assert [r[1] for r in rows[1:]] == ["positive", "negative", "neutral", "positive"]
    assert [r[3] for r in rows[1:]] == ["0", "1", "0", "0"]
    assert all(-1.0 <= float(r[2]) <= 1.0 for r in rows[1:])
    summary = capsys.readouterr().out
    for expected in ("rows: 4", "negative: 1", "positive: 2", "complaints: 1"):
        assert expected in summary


def test_cli_uses_row_numbers_without_an_id_column(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"text": "une idée"}, {"text": "another idea"}])
    out = tmp_path / "o.csv"
    args = ["score", "--input", str(src), "--text-column", "text", "--output", str(out)]
    assert main([*args, "--backend", "lexicon"]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert [r[0] for r in rows[1:]] == ["0", "1"]


def test_cli_reports_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "in.csv", [{"text": "ok"}])
    out = tmp_path / "missing-dir" / "o.csv"
    args = ["score", "--input", str(src), "--text-column", "text", "--output", str(out)]
    assert main([*args, "--backend", "lexicon"]) == 2
    assert "cannot write" in capsys.readouterr().err
