"""bench.target_noise: reading a method against BERTopic, literally and within BERTopic's own
run-to-run spread, from the progress lines the partition benches write."""

from pathlib import Path

import pytest

from bench import target_noise as tn


def _line(method: str, seed: int, nmi: float, ari: float, size: int = 1000) -> str:
    return (
        f"banking77 n={size} {method} seed {seed}: NMI {nmi:.3f} ARI {ari:.3f} "
        f"themed 100% themes 30/77 1.0s"
    )


def _log(tmp_path: Path, scores: dict[str, tuple[float, float]], size: int = 1000) -> str:
    path = tmp_path / "tn.log"
    path.write_text(
        "\n".join(_line(m, 0, nmi, ari, size) for m, (nmi, ari) in scores.items()) + "\n",
        encoding="utf-8",
    )
    return str(path)


def test_a_method_below_bertopic_but_within_its_spread_is_level_not_at_least(
    tmp_path: Path,
) -> None:
    # BERTopic 0.70 / 0.40, relaid 0.68 / 0.45: tolerance 0.02 NMI, 0.05 ARI.
    log = _log(
        tmp_path,
        {
            "bertopic": (0.70, 0.40),
            "bertopic-relaid": (0.68, 0.45),
            "engine": (0.69, 0.36),  # -0.01 NMI, -0.04 ARI: inside both tolerances
            "engine-reseeded": (0.69, 0.37),
            "umap-rows-all": (0.66, 0.41),  # -0.04 NMI: 0.02 beyond the tolerance
            "umap-rows-all-relaid": (0.67, 0.41),
        },
    )
    table = "\n".join(tn.summarise([log]))
    row = next(line for line in table.splitlines() if line.startswith("| banking77"))
    assert "| level |" in row
    assert "behind 0.020" in row
    assert "| engine | 0 of 1 | 1 of 1 |" in table
    assert "| umap-rows-all | 0 of 1 | 0 of 1 |" in table
    # The relaid run is behind on NMI: BERTopic does not meet the target against itself.
    assert "in 0 of 1 (p = 0.00)" in table


def test_groups_under_a_thousand_texts_or_missing_a_method_are_left_out(tmp_path: Path) -> None:
    small = _log(
        tmp_path,
        {m: (0.5, 0.3) for pair in tn.PAIRS for m in pair},
        size=300,
    )
    assert tn.summarise([small]) == ["No group of >= 1,000 texts with every method in these logs."]
    partial = _log(tmp_path, {"bertopic": (0.5, 0.3), "engine": (0.5, 0.3)})
    assert tn.summarise([partial]) == [
        "No group of >= 1,000 texts with every method in these logs."
    ]


def test_at_least_counts_ties_and_the_shortfall_is_the_worse_score() -> None:
    bt = {"nmi": 0.7, "ari": 0.4}
    assert tn.at_least({"nmi": 0.7, "ari": 0.4}, bt)
    assert not tn.at_least({"nmi": 0.71, "ari": 0.39}, bt)
    slack = {"nmi": 0.01, "ari": 0.01}
    # NMI 0.04 beyond the slack, ARI 0.02: the worse one counts.
    assert tn.shortfall({"nmi": 0.65, "ari": 0.37}, bt, slack) == pytest.approx(0.04)
    assert tn.shortfall({"nmi": 0.7, "ari": 0.4}, bt, slack) == 0.0
