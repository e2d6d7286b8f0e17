"""Every benchmark that reads ../shared/data finds it by one rule (bench.data), from a worktree
too, and says so, with exit code 2, when the data are absent."""

from pathlib import Path

import pytest

from bench import clustering_bench, complaints_bench, data, sentiment_bench


def test_a_worktree_finds_the_data_beside_its_main_checkout(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("RUCHE_BENCH_DATA", raising=False)
    main = tmp_path / "main"
    (main / ".git" / "worktrees" / "h").mkdir(parents=True)
    (tmp_path / "shared" / "data").mkdir(parents=True)
    worktree = tmp_path / "wt" / "h"
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'h'}\n")

    assert data.main_checkout(worktree) == main
    assert data.main_checkout(main) == main  # a plain checkout is its own main checkout
    assert data.data_dir(root=worktree) == tmp_path / "shared" / "data"


def test_data_dir_prefers_the_option_then_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RUCHE_BENCH_DATA", str(tmp_path / "env"))
    assert data.data_dir(str(tmp_path / "opt")) == tmp_path / "opt"
    assert data.data_dir() == tmp_path / "env"


@pytest.mark.parametrize(
    ("bench", "argv"),
    [
        (clustering_bench, ["--parts", "quality"]),
        (clustering_bench, ["--parts", "sampling,speed"]),
        (sentiment_bench, []),
        (complaints_bench, []),
    ],
)
def test_each_benchmark_says_where_its_data_are_missing(bench, argv, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    nowhere = tmp_path / "nowhere"
    assert bench.main([*argv, "--data", str(nowhere)]) == data.MISSING
    assert f"No measurement data at {nowhere}" in capsys.readouterr().err


def test_a_missing_set_in_the_data_folder_is_named(tmp_path: Path, capsys) -> None:
    (tmp_path / "tweets_fr").mkdir()
    argv = ["--sets", "airline_tweets_en,tweets_fr", "--data", str(tmp_path)]
    assert sentiment_bench.main(argv) == data.MISSING
    err = capsys.readouterr().err
    assert f"Measurement data missing under {tmp_path}" in err
    assert "airline_tweets_en/dev.csv, tweets_fr/dev.csv" in err
