"""Progress reports of long analyser runs: embedding in chunks to report progress gives the same
vectors, and the themes engine announces each stage to the callback it is given."""

import io

import numpy as np

from ideas.clustering import build_themes, embed_texts
from ideas.clustering.csvio import Progress
from ideas.clustering.vectors import PROGRESS_CHUNK, TfidfLsaEmbedder

TEXTS = [
    f"{verb} {thing} {n}"
    for n in range(120)
    for verb, thing in [
        ("bloquer", "ma carte"),
        ("ouvrir", "le samedi"),
        ("freeze", "my card"),
        ("open", "on saturday"),
        ("raise", "my limit"),
    ]
]


def test_embedding_in_chunks_to_report_progress_gives_the_same_vectors() -> None:
    assert len(TEXTS) > PROGRESS_CHUNK
    embedder = TfidfLsaEmbedder(seed=0).fit(TEXTS)
    reports: list[tuple[str, int, int]] = []
    chunked, _ = embed_texts(TEXTS, backend=embedder, progress=lambda *r: reports.append(r))
    whole, _ = embed_texts(TEXTS, backend=embedder)
    np.testing.assert_array_equal(chunked, whole)
    assert reports == [
        ("embedding texts", PROGRESS_CHUNK, len(TEXTS)),
        ("embedding texts", len(TEXTS), len(TEXTS)),
    ]


def test_the_themes_engine_reports_each_stage() -> None:
    reports: list[tuple[str, int, int]] = []
    model, _ = build_themes(
        TEXTS[:60], backend="tfidf", progress=lambda *report: reports.append(report)
    )
    stages = [stage for stage, _, _ in reports]
    assert stages == [
        "fitting TF-IDF + LSA on 60 texts",
        "embedding texts",
        "clustering 60 texts",
        f"naming {model.n_themes} themes",
    ]


def test_progress_lines_give_the_time_left_within_a_stage() -> None:
    out = io.StringIO()
    progress = Progress(every=0, stream=out)
    progress("masking texts", 1, 4)
    progress("masking texts", 4, 4)
    progress("clustering 4 texts", 0, 0)
    first, last, stage = out.getvalue().splitlines()
    assert first.startswith("progress: masking texts: 1 of 4 (25%) · 0 s elapsed, about ")
    assert first.endswith(" left")
    assert last == "progress: masking texts: 4 of 4 (100%) · 0 s elapsed"
    assert stage == "progress: clustering 4 texts · 0 s elapsed"
    quiet = io.StringIO()
    progress = Progress(every=600, stream=quiet)
    progress("masking texts", 1, 4)
    progress("clustering 4 texts", 0, 0)
    assert quiet.getvalue() == ""
