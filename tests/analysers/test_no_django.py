"""The analysers (themes, sentiment, PII masker) are plain Python: importing them, their command
line and running them on a text never imports Django, so they run on an export anywhere."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> Python run in a fresh interpreter: the imports, then one call that does real work
# (some modules are imported lazily, on first use).
ANALYSERS = {
    "ideas.clustering": (
        "import ideas.clustering, ideas.clustering.cli, ideas.clustering.engine\n"
        "ideas.clustering.build_themes(['ouvrir le samedi', 'open on saturday'], backend='tfidf')"
    ),
    "ideas.sentiment": (
        "import ideas.sentiment, ideas.sentiment.cli\n"
        "ideas.sentiment.score_texts(['ok'], backend='lexicon')"
    ),
    "ideas.pii": "import ideas.pii, ideas.pii.cli\nideas.pii.mask_pii('06 12 34 56 78')",
}


@pytest.mark.parametrize("package", list(ANALYSERS))
def test_importing_and_running_the_analyser_does_not_import_django(package: str) -> None:
    code = (
        f"import sys\n{ANALYSERS[package]}\nassert 'django' not in sys.modules, 'django imported'"
    )
    done = subprocess.run(  # noqa: S603  (fixed command, our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
