"""`one_thread_each`: the similar-ideas search process runs every encoder and numpy product on
one thread per request (process-wide settings, so checked in a fresh process)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, os
from threadpoolctl import threadpool_info
from ideas.clustering import vectors
before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
vectors.one_thread_each()
print(json.dumps({
    "blas_before": before,
    "blas": [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"],
    "omp_env": os.environ.get("OMP_NUM_THREADS"),
    "use_threads": vectors._use_threads,
}))
"""


def test_one_thread_each_sets_blas_openmp_and_use_to_one_thread() -> None:
    env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "2"}  # as on the two-core machine
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["blas_before"] == [2]
    assert result == {"blas_before": [2], "blas": [1], "omp_env": "1", "use_threads": 1}
