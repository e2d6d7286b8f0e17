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
