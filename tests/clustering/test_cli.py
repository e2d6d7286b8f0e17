import csv
from pathlib import Path

import pytest

from ideas.clustering.cli import main
from tests.clustering.conftest import GROUPS
from tests.helpers import write_csv


def test_cli_writes_one_row_per_input_row_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = [t for g in GROUPS for t in g] + ["", "😀"]
    src = write_csv(tmp_path / "in.csv", [{"ref": f"R{i}", "body": t} for i, t in enumerate(texts)])
    out = tmp_path / "themes.csv"
    args = ["cluster", "--input", str(src), "--text-column", "body", "--id-column", "ref"]
    code = main([*args, "--output", str(out), "--backend", "tfidf", "--seed", "1"])
    assert code == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "theme", "label", "label_en", "label_fr", "terms"]
    assert [r[0] for r in rows[1:]] == [f"R{i}" for i in range(len(texts))]
    assert rows[-1][1:] == ["-1", "", "", "", ""]
    summary = capsys.readouterr().out
    for expected in ("rows: 32", "backend: tfidf", "themed:", "themes:"):
        assert expected in summary


def test_cli_uses_row_numbers_without_an_id_column(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"text": "une idée"}, {"text": "another idea"}])
    out = tmp_path / "o.csv"
    assert (
        main(["cluster", "--input", str(src), "--text-column", "text", "--output", str(out)]) == 0
    )
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert [r[0] for r in rows[1:]] == ["0", "1"]
