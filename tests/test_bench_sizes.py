"""The size protocol (bench.clustering_sizes) says when its data are absent and merges runs."""

from pathlib import Path

import numpy as np

from bench import clustering_sizes as sizes


def test_missing_data_is_said_not_silently_skipped(tmp_path: Path, capsys) -> None:
    assert sizes.main(["--data", str(tmp_path / "nowhere"), "--sets", "banking77"]) == 2
    assert "No measurement data" in capsys.readouterr().err


def test_progress_logs_of_split_runs_merge_into_one_result_list(tmp_path: Path) -> None:
    results = [
        sizes.Result(
            "mtop_fr_en",
            1000,
            "engine",
            seed,
            1.5,
            {"nmi": 0.7, "ari": 0.4, "themed": 0.99, "themes": 25, "true": 70, "twins": 0.93},
        )
        for seed in (0, 1)
    ]
    log = tmp_path / "run.log"
    log.write_text("\n".join(["noise", *(sizes._progress_line(r) for r in results)]) + "\n")

    merged = sizes.from_logs([str(log)])

    assert [(r.dataset, r.size, r.method, r.seed) for r in merged] == [
        ("mtop_fr_en", 1000, "engine", 0),
        ("mtop_fr_en", 1000, "engine", 1),
    ]
    assert merged[0].s["twins"] == 0.93
    assert merged[0].s["themed"] == 0.99
    assert "not shown (no BERTopic run)" in "\n".join(sizes.verdict(merged))


def test_parallel_sets_are_sampled_by_pair() -> None:
    twins = np.repeat(np.arange(20).astype(str), 2)
    data = sizes.Loaded(
        texts=[f"t{i}" for i in range(40)],
        labels=np.repeat(np.array(["a", "b"]), 20),
        twins=twins,
        languages=np.tile(np.array(["fr", "en"]), 20),
    )
    rows = sizes.stratified_sample(data, 10, seed=0)
    _keys, counts = np.unique(twins[rows], return_counts=True)
    assert rows.size == 10
    assert set(counts) == {2}


def test_the_outlier_cut_is_fitted_on_other_sets_within_coverage_and_twins() -> None:
    from bench import outliers

    def scores(nmi: float, ari: float, themed: float, twins: float | None = None) -> dict:
        s = {"nmi": nmi, "ari": ari, "themed": themed, "seeds": 1, "true": 10}
        s |= {"themes_min": 8, "themes_max": 8}
        return s | ({"twins": twins} if twins is not None else {})

    flat = {z: scores(0.70, 0.40, 0.99) for z in outliers.OUTLIER_GRID}
    # Lower cuts raise NMI on "a"; the lowest one themes too few texts.
    rising = {z: scores(0.70 + (3.0 - z) / 100, 0.40, 0.99 - (3.0 - z) / 20) for z in flat}
    bt = {("a", 1000): {"nmi": 0.72, "ari": 0.38, "themed": 0.8}}

    assert outliers.fit({("a", 1000): rising}, bt) == 1.25
    assert rising[1.0]["themed"] < outliers.MIN_THEMED <= rising[1.25]["themed"]
    # No gain anywhere: the default stays (ties go to the larger z).
    assert outliers.fit({("a", 1000): flat}, bt) == 3.0
    # Twins that fall below 0.90 where the default kept them forbid that cut.
    twins = {z: s | {"twins": 0.95 if z >= 2.0 else 0.85} for z, s in rising.items()}
    assert outliers.fit({("a", 1000): twins}, bt) == 2.0
