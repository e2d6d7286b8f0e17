import csv
import subprocess
import sys
from pathlib import Path

import pytest

from ideas.pii.cli import main
from tests.helpers import write_csv

ROOT = Path(__file__).resolve().parents[2]


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_cli_writes_one_row_per_input_row_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = [
        "Carte 4970 3504 9258 9913, IBAN FR76 3000 6000 0112 3456 7890 189",
        "J'ai 4 cartes, commande 123456789, 1 500 €",
        "",
        "appelez le 06 12 34 56 78 😀",
    ]
    src = write_csv(tmp_path / "in.csv", [{"ref": f"R{i}", "body": t} for i, t in enumerate(texts)])
    out = tmp_path / "masked.csv"
    args = ["mask", "--input", str(src), "--text-column", "body", "--id-column", "ref"]
    assert main([*args, "--output", str(out)]) == 0
    assert read_rows(out) == [
        ["id", "masked", "kinds"],
        ["R0", "Carte [carte masquée], IBAN [IBAN masqué]", "card;iban"],
        ["R1", "J'ai 4 cartes, commande 123456789, 1 500 €", ""],
        ["R2", "", ""],
        ["R3", "appelez le [téléphone masqué] 😀", "phone"],
    ]
    summary = capsys.readouterr().out
    for expected in ("rows: 4", "masked: 2", "card: 1", "iban: 1", "phone: 1", "email: 0"):
        assert expected in summary
    assert "4970" not in summary  # the summary never echoes what it masked


def test_cli_uses_row_numbers_without_an_id_column_and_english_placeholders(
    tmp_path: Path,
) -> None:
    src = write_csv(tmp_path / "in.csv", [{"text": "mail a.b@c.fr"}, {"text": "rien"}])
    out = tmp_path / "o.csv"
    args = ["mask", "--input", str(src), "--text-column", "text", "--output", str(out)]
    assert main([*args, "--language", "en"]) == 0
    assert read_rows(out)[1:] == [["0", "mail [email removed]", "email"], ["1", "rien", ""]]


def test_cli_keeps_multiline_texts_and_commas_in_one_csv_field(tmp_path: Path) -> None:
    text = 'Ligne 1, "citée"\n12 rue de la Paix 75002 Paris\nfin'
    src = write_csv(tmp_path / "in.csv", [{"text": text}])
    out = tmp_path / "o.csv"
    assert main(["mask", "--input", str(src), "--text-column", "text", "--output", str(out)]) == 0
    assert read_rows(out)[1] == ["0", 'Ligne 1, "citée"\n[adresse masquée]\nfin', "address"]


def test_cli_rejects_an_unknown_language(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"text": "ok"}])
    args = ["mask", "--input", str(src), "--text-column", "text", "--output", str(tmp_path / "o")]
    with pytest.raises(SystemExit) as exc:
        main([*args, "--language", "de"])
    assert exc.value.code == 2


def test_cli_reports_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "in.csv", [{"text": "ok"}])
    out = tmp_path / "missing-dir" / "o.csv"
    assert main(["mask", "--input", str(src), "--text-column", "text", "--output", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"id": "7", "text": "IBAN DE89 3704 0044 0532 0130 00"}])
    out = tmp_path / "o.csv"
    files = [
        "--input",
        str(src),
        "--text-column",
        "text",
        "--id-column",
        "id",
        "--output",
        str(out),
    ]
    done = subprocess.run(  # noqa: S603  (fixed command, our own interpreter)
        [sys.executable, "-m", "ideas.pii", "mask", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert read_rows(out)[1] == ["7", "IBAN [IBAN masqué]", "iban"]
