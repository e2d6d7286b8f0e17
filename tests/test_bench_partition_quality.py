"""bench.partition_quality chooses a method leaving one set out and scores it held out;
bench.partition_gate gates the silhouette's choice by a bootstrap spread or a structureless null."""

from pathlib import Path

import numpy as np

from bench import clustering_sizes as sizes
from bench import partition_gate as gate
from bench import partition_quality as pq


def _line(dataset: str, method: str, nmi: float, ari: float, themed: float = 0.99) -> str:
    result = sizes.Result(
        dataset,
        1000,
        method,
        0,
        1.0,
        {"nmi": nmi, "ari": ari, "themed": themed, "themes": 20, "true": 20},
    )
    return sizes._progress_line(result)


def test_the_method_scored_on_a_set_is_chosen_without_it(tmp_path: Path) -> None:
    # "a" helps banking77 and slurp but ruins clinc150; "b" helps clinc150 a little everywhere.
    lines = []
    for dataset, a, b in (
        ("banking77", 0.20, 0.01),
        ("slurp_en", 0.20, 0.01),
        ("clinc150_en", -0.30, 0.01),
    ):
        lines += [
            _line(dataset, "engine", 0.5, 0.3),
            _line(dataset, "louvain-silhouette", 0.5 + a, 0.3 + a),
            _line(dataset, "louvain-ch", 0.5 + b, 0.3 + b),
        ]
    log = tmp_path / "run.log"
    log.write_text("\n".join(["# a note", *lines]) + "\n")

    out = "\n".join(pq.summarise([str(log)]))

    # Held out, clinc150 gets what the two others prefer ("a") and loses 0.30; banking77's
    # choice is made on slurp (+0.20) and clinc150 (-0.30), so "b" wins there.
    assert "| clinc150_en | 1,000 | louvain-silhouette |" in out
    assert "| banking77 | 1,000 | louvain-ch |" in out
    assert "Criterion met: False" in out


def test_a_method_below_90_percent_themed_is_never_chosen(tmp_path: Path) -> None:
    lines = []
    for dataset in ("banking77", "slurp_en", "clinc150_en"):
        lines += [
            _line(dataset, "engine", 0.5, 0.3),
            _line(dataset, "louvain-silhouette", 0.9, 0.9, themed=0.80),
            _line(dataset, "louvain-ch", 0.51, 0.31),
        ]
    log = tmp_path / "run.log"
    log.write_text("\n".join(lines) + "\n")

    out = "\n".join(pq.summarise([str(log)]))

    held_out = out.split("| held-out set")[1].split("NMI / ARI (themes) per group")[0]
    assert "louvain-silhouette |" not in held_out
    assert "Criterion met: True" in out


def test_quality_scores_prefer_the_planted_partition() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16))
    x = np.repeat(centres, 30, axis=0) + 0.2 * rng.normal(size=(120, 16))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    planted = np.repeat(np.arange(4), 30)
    shuffled = rng.permutation(planted)

    good, bad = pq.quality(x, planted, 0), pq.quality(x, shuffled, 0)

    assert good["silhouette"] > bad["silhouette"]
    assert good["ch"] > bad["ch"]
    assert good["db"] < bad["db"]


def test_the_gate_leaves_2_only_when_the_gain_beats_k_spreads() -> None:
    silhouettes = {0.5: 0.05, 2.0: 0.10, 8.0: 0.13}

    assert gate.gated_resolution(silhouettes, spread=0.01, k=2.0) == 8.0
    assert gate.gated_resolution(silhouettes, spread=0.01, k=4.0) == 2.0
    assert gate.gated_resolution({0.5: 0.05, 2.0: 0.10}, spread=0.0, k=0.0) == 2.0


def test_the_bootstrap_spread_is_the_standard_error_of_the_mean() -> None:
    values = np.random.default_rng(1).normal(size=1_000)

    spread = gate.bootstrap_spread(values, seed=0)

    assert abs(spread - 1 / np.sqrt(1_000)) < 0.2 / np.sqrt(1_000)
    assert spread == gate.bootstrap_spread(values, seed=0)


def test_the_gate_k_is_fitted_without_the_set_it_is_scored_on(tmp_path: Path) -> None:
    # The silhouette's choice helps banking77 and slurp with a large gain (10 spreads) and
    # ruins clinc150 with a small one (3 spreads): a k between 3 and 10 keeps only the good.
    lines = []
    for dataset, z, delta in (
        ("banking77", 10, 0.1),
        ("slurp_en", 10, 0.1),
        ("clinc150_en", 3, -0.3),
    ):
        lines += [
            f"# gate {dataset} n=1000 seed 0: best 8 gain {z * 0.005:.6f} spread 0.005000",
            _line(dataset, "engine", 0.5, 0.3),
            _line(dataset, "louvain-silhouette", 0.5 + delta, 0.3 + delta),
        ]
    log = tmp_path / "run.log"
    log.write_text("\n".join(lines) + "\n")

    out = "\n".join(gate.gate_summary([str(log)]))

    # Held out, clinc150's k is fitted on the two others, where every k below 10 ties: the
    # largest, 8, closes the gate on clinc150. banking77's k is fitted on slurp and clinc150.
    assert "| clinc150_en | 1,000 | 3.0@8 | 8 |" in out
    assert "| banking77 | 1,000 | 10.0@8 | 8 |" in out
    assert "Criterion met: True" in out


def test_the_null_keeps_the_covariance_and_loses_the_clusters() -> None:
    rng = np.random.default_rng(0)
    centres = 3 * rng.normal(size=(4, 8))
    x = np.repeat(centres, 100, axis=0) + rng.normal(size=(400, 8))
    planted = np.repeat(np.arange(4), 100)

    null = gate.null_features(x.astype(np.float32), seed=0)

    assert np.allclose(np.linalg.norm(null, axis=1), 1.0, atol=1e-5)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    # k-means finds the four clusters in the data (silhouette 0.79); on the null its best
    # partition is far weaker (0.35): the spread is kept, the clusters are gone
    from sklearn.cluster import KMeans

    found = KMeans(4, n_init=4, random_state=0).fit_predict(null)
    assert pq.quality(unit, planted, 0)["silhouette"] > 0.7
    assert pq.quality(null, found, 0)["silhouette"] < 0.45
    assert np.array_equal(null, gate.null_features(x.astype(np.float32), seed=0))


def test_the_null_gate_leaves_2_only_when_the_real_gain_beats_the_nulls() -> None:
    real = {0.5: 0.05, 2.0: 0.10, 8.0: 0.16}

    assert gate.null_gated(real, {0.5: 0.02, 2.0: 0.03, 8.0: 0.05}) == 8.0
    assert gate.null_gated(real, {0.5: 0.02, 2.0: 0.03, 8.0: 0.10}) == 2.0
    assert gate.null_excess(real, {0.5: 0.00, 2.0: 0.03, 8.0: 0.10}) == 2.0


def test_the_null_summary_applies_the_criterion(tmp_path: Path) -> None:
    lines = []
    for dataset, delta in (("banking77", 0.10), ("sib200_fr_en", -0.03)):
        lines += [
            f"# null {dataset} n=1000 seed 0: real 2:0.1 null 2:0.0 r* 8 gain 0.0500 "
            "null gain 0.0100 null-gate 8 null-excess 8",
            _line(dataset, "engine", 0.5, 0.3),
            _line(dataset, "null-gate", 0.5 + delta, 0.3 + delta),
        ]
    log = tmp_path / "run.log"
    log.write_text("\n".join(lines) + "\n")

    out = "\n".join(gate.summarise([str(log)]))

    assert "| banking77 | 1,000 | 0.0500/0.0100@8 |" in out
    assert "null-gate, 2 groups: ΔNMI mean +0.035 (min -0.030)" in out
    assert "Criterion met by null-gate: False." in out
