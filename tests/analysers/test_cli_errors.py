"""The analyser command lines (themes, sentiment, PII masker) refuse bad CSV input the same way:
exit code 2, one clear line on stderr, no traceback. They share ideas.clustering.csvio."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

COMMANDS = {
    "themes": ["ideas.clustering", "cluster", "--backend", "tfidf"],
    "sentiment": ["ideas.sentiment", "score", "--backend", "lexicon"],
    "pii": ["ideas.pii", "mask"],
}


@pytest.mark.parametrize("cli", list(COMMANDS))
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        (b"body,ref\nhello,1\n", "available columns: 'body', 'ref'"),
        (b"text\ncaf\xe9 cr\xe8me\n", "not valid UTF-8"),
        (b"", "empty"),
        (b"text\n", "no rows"),
    ],
)
def test_bad_input_gets_a_clear_message_and_exit_code_2(
    tmp_path: Path, cli: str, content: bytes | None, message: str
) -> None:
    src = tmp_path / "in.csv"
    if content is not None:
        src.write_bytes(content)
    module, command, *options = COMMANDS[cli]
    files = ["--input", str(src), "--text-column", "text", "--output", str(tmp_path / "o.csv")]
    done = subprocess.run(  # noqa: S603  (fixed command, our own interpreter)
        [sys.executable, "-m", module, command, *files, *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def run(
    cli: str, src: Path, out: Path, *extra: str, id_column: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run an analyser's command line on `src` as a user would, in a fresh interpreter."""
    module, command, *options = COMMANDS[cli]
    files = ["--input", str(src), "--text-column", "text", "--output", str(out)]
    if id_column:
        files += ["--id-column", "id"]
    return subprocess.run(  # noqa: S603  (fixed command, our own interpreter)
        [sys.executable, "-m", module, command, *files, *options, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


ROWS = [
    "Ouvrir les agences le samedi matin",
    "Open branches on Saturday mornings",
    "Bloquer ma carte depuis l'application",
    "Freeze my card from the app",
    "Un plafond de paiement réglable",
]


def csv_bytes(rows: list[str]) -> bytes:
    lines = ["id,text"] + [f'R{i},"{text}"' for i, text in enumerate(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("cli", list(COMMANDS))
def test_nul_bytes_are_removed_with_a_warning_and_never_reach_the_output(
    tmp_path: Path, cli: str
) -> None:
    src = tmp_path / "in.csv"
    data = csv_bytes(ROWS).replace(b"R1,", b"R\x001,").replace(b"Freeze my", b"Freeze\x00 my")
    src.write_bytes(data)
    out = tmp_path / "out.csv"
    done = run(cli, src, out, id_column=True)
    assert done.returncode == 0, done.stderr
    assert f"warning: removed NUL bytes from 2 rows of {src} (first at line 3)" in done.stderr
    written = out.read_bytes()
    assert b"\x00" not in written
    assert [line.split(b",")[0] for line in written.splitlines()[1:]] == [
        b"R0",
        b"R1",
        b"R2",
        b"R3",
        b"R4",
    ]


@pytest.mark.parametrize("cli", list(COMMANDS))
def test_more_rows_than_max_rows_is_refused_and_nothing_is_written(
    tmp_path: Path, cli: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(csv_bytes(ROWS))
    out = tmp_path / "out.csv"
    out.write_text("the previous result\n")
    done = run(cli, src, out, "--max-rows", "4")
    assert done.returncode == 2
    assert f"error: {src} has more than 4 rows, the --max-rows limit; nothing was written" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert out.read_text() == "the previous result\n"  # untouched, not half-replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]
    # Exactly at the limit is fine, and replaces the previous result in one go.
    done = run(cli, src, out, "--max-rows", "5")
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_max_rows_must_be_a_positive_number(tmp_path: Path, value: str) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(csv_bytes(ROWS))
    done = run("pii", src, tmp_path / "out.csv", "--max-rows", value)
    assert done.returncode == 2
    assert "--max-rows: expected a whole number above 0" in done.stderr


STAGES = {
    "themes": ["embedding texts: 5 of 5 (100%)", "clustering 5 texts", "naming"],
    "sentiment": ["scoring texts: 5 of 5 (100%)"],
    "pii": ["masking texts: 1 of 5 (20%)", "masking texts: 5 of 5 (100%)", "left"],
}


@pytest.mark.parametrize("cli", list(COMMANDS))
def test_progress_is_shown_on_stderr_for_long_runs_only(tmp_path: Path, cli: str) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(csv_bytes(ROWS))
    out = tmp_path / "out.csv"
    # --progress-every 0 reports every step, as a long run would every few seconds.
    done = run(cli, src, out, "--progress-every", "0")
    assert done.returncode == 0, done.stderr
    assert "progress: reading in.csv: 5 rows, 0.0 of 0.0 MB · 0 s elapsed" in done.stderr
    for stage in STAGES[cli]:
        assert stage in done.stderr
    assert "progress:" not in done.stdout  # stdout keeps the one-line summary only
    # A run shorter than the interval prints no progress at all.
    quiet = run(cli, src, out, "--progress-every", "600")
    assert quiet.returncode == 0, quiet.stderr
    assert "progress:" not in quiet.stderr


@pytest.mark.parametrize("cli", list(COMMANDS))
def test_invalid_utf8_names_the_line_and_nothing_is_written(tmp_path: Path, cli: str) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b'id,text\nR0,"caf\xc3\xa9 cr\xc3\xa8me"\nR1,"tr\xe8s bien"\n')
    out = tmp_path / "out.csv"
    done = run(cli, src, out)
    assert done.returncode == 2
    assert f"error: {src} is not valid UTF-8: line 3, byte 7 of the line (b'\\xe8s b')" in (
        done.stderr
    )
    assert "re-save the file as UTF-8" in done.stderr
    assert not out.exists()
