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
