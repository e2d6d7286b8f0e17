"""Signals that form a cluster with no idea: kept on the published run ("Outside only"), named
from their masked texts, shown on the themes dashboard and in the themes API to product managers
only, replaced as a whole by the next run."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from ideas.clustering.text import EN_STOP_WORDS, FR_STOP_WORDS, fold_accents
from ideas.models import ClusteringRun, RunState, Signal
from ideas.outside.selectors import outside_only
from ideas.themes import runs
from tests.api.conftest import bearer, token_for
from tests.ideas.outside.conftest import csv_bytes, post, run_import, store_vectors
from tests.themes.data import GROUPS

# A subject no idea of tests/themes/data.py is about, in both languages and from three tools.
DEPOSIT_POSTS = [
    ("The cash deposit machine at my branch is out of order again", "X"),
    ("Automate de dépôt d'espèces en panne, impossible de déposer mes espèces", "Service desk"),
    ("Deposit machine swallowed my cash deposit and printed no receipt", "App Store"),
    ("L'automate de dépôt d'espèces refuse mes billets depuis une semaine", "X"),
    ("Cash deposit machine rejects my banknotes every time", "Service desk"),
]
# Two posts on yet another subject: fewer than a theme needs, so no cluster at all.
PAIR_POSTS = [
    ("Le parking de l'agence est toujours plein le samedi", "X"),
    ("No parking spaces left near the branch on Saturdays", "X"),
]
CARD_POSTS = [("Impossible de bloquer ma carte depuis l'appli, c'est dingue", "X")]


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


@pytest.fixture
def outside_run(make_ideas, product_manager):  # type: ignore[no-untyped-def]
    groups = make_ideas(GROUPS)
    today = timezone.localdate().isoformat()
    posts = {"deposit": DEPOSIT_POSTS, "parking": PAIR_POSTS, "card": CARD_POSTS}
    rows = [
        post(text, today, source, url=f"https://x.test/{name}/{n}")
        for name, group in posts.items()
        for n, (text, source) in enumerate(group)
    ]
    assert run_import(product_manager, csv_bytes(rows)).imported == 8
    signals = {s.text: s for s in Signal.objects.all()}
    vectors = {name: list(ideas) for name, ideas in groups.items()}
    for name, group in posts.items():
        vectors.setdefault(name, []).extend(signals[text] for text, _source in group)
    store_vectors(vectors)
    return runs.run_recluster(trigger="manual")


def _words(terms: list[str]) -> set[str]:
    return {fold_accents(w.lower()) for term in terms for w in term.replace("'", " ").split()}


def test_signals_without_ideas_make_an_outside_only_cluster_shown_on_the_dashboard(
    outside_run, client, product_manager
):
    (cluster,) = outside_run.outside_clusters  # not the pair: 3 signals at least
    assert cluster["size"] == 5
    assert cluster["sources"] == {"X": 2, "Service desk": 2, "App Store": 1}
    deposit = set(Signal.objects.filter(url__contains="/deposit/").values_list("pk", flat=True))
    assert len(cluster["examples"]) == runs.OUTSIDE_EXAMPLES
    assert set(cluster["examples"]) <= deposit
    # Named and described in each language from the signals' own words, no stop words.
    assert set(cluster["names"]) == {"fr", "en"}
    assert set(cluster["terms"]) == {"fr", "en"}
    en, fr = _words(cluster["terms"]["en"]), _words(cluster["terms"]["fr"])
    assert not en & EN_STOP_WORDS, cluster["terms"]
    assert not fr & FR_STOP_WORDS, cluster["terms"]
    # A key term is never a word of the name: the subject is in one or the other.
    named = {
        lang: _words([name]) | _words(cluster["terms"][lang])
        for lang, name in cluster["names"].items()
    }
    assert {"deposit", "cash"} <= named["en"], cluster
    assert {"depot", "especes", "automate"} & named["fr"], cluster
    # The signal about cards joined the card theme: it is not "outside only".
    card = Signal.objects.get(url__contains="/card/")
    assert card.memberships.filter(run=outside_run).exists()

    # The dashboard's "Outside only" section, in the reader's language.
    client.force_login(product_manager)
    (shown,) = outside_only(run=outside_run)
    page = client.get(reverse("themes:dashboard")).content.decode()
    assert 'id="outside-only"' in page
    assert "5 outside signals (Service desk 2, X 2, App Store 1)" in page
    assert escape(cluster["names"]["en"]) in page
    assert escape(shown.examples[0].text) in page
    assert shown.examples[0].url in page
    french = client.get(reverse("themes:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert escape(cluster["names"]["fr"]) in french


def test_the_next_run_replaces_the_list_and_the_superseded_run_keeps_none(outside_run):
    Signal.objects.filter(url__contains="/deposit/").delete()
    newer = runs.run_recluster(trigger="manual")
    assert newer.outside_clusters == []
    outside_run.refresh_from_db()
    assert (outside_run.state, outside_run.outside_clusters) == (RunState.SUPERSEDED, [])


@pytest.fixture
def listed_run(product_manager):  # type: ignore[no-untyped-def]
    """A published run whose list names three imported signals, as a run writes it (the
    clustering itself is proven above): for the readers' tests, without a run each."""
    today = timezone.localdate().isoformat()
    rows = [
        post(text, today, source, url=f"https://x.test/deposit/{n}")
        for n, (text, source) in enumerate(DEPOSIT_POSTS[:3])
    ]
    run_import(product_manager, csv_bytes(rows))
    ids = list(Signal.objects.order_by("pk").values_list("pk", flat=True))
    return ClusteringRun.objects.create(
        trigger="manual",
        state=RunState.PUBLISHED,
        published_at=timezone.now(),
        outside_clusters=[
            {
                "size": 3,
                "sources": {"X": 1, "Service desk": 1, "App Store": 1},
                "names": {"en": "Cash deposit machine", "fr": "Automate de dépôt d'espèces"},
                "terms": {"en": ["receipt", "order"], "fr": ["panne", "déposer"]},
                "examples": ids,
            }
        ],
    )


def test_the_list_reads_its_examples_in_one_query_however_many_clusters(
    listed_run, django_assert_num_queries
):
    listed_run.outside_clusters = listed_run.outside_clusters * 20
    with django_assert_num_queries(1):
        clusters = outside_only(run=listed_run)
    assert len(clusters) == 20
    assert all(len(c.examples) == 3 for c in clusters)


def test_an_example_deleted_after_the_run_is_left_out(listed_run):
    (cluster,) = outside_only(run=listed_run)
    gone = cluster.examples[0]
    gone.delete()
    (cluster,) = outside_only(run=listed_run)
    assert gone.pk not in [s.pk for s in cluster.examples]
    assert len(cluster.examples) == 2


@pytest.mark.parametrize("who", [None, "alice", "moderator"])
def test_members_and_visitors_never_see_it(listed_run, client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("themes:dashboard"))
    assert response.status_code == (403 if who else 302)
    page = response.content.decode()
    assert "Cash deposit machine" not in page
    assert escape(Signal.objects.first().text) not in page


def test_no_section_without_clusters_of_signals_only(client, product_manager, db):
    ClusteringRun.objects.create(
        trigger="manual", state=RunState.PUBLISHED, published_at=timezone.now()
    )
    client.force_login(product_manager)
    assert 'id="outside-only"' not in client.get(reverse("themes:dashboard")).content.decode()


def test_the_themes_api_lists_them_for_product_managers(listed_run, api, product_manager, bob):
    secret = token_for(product_manager, "read")
    page = api.get("/api/v1/themes/outside/", **bearer(secret)).json()
    assert page["count"] == 1
    (row,) = page["results"]
    assert row["size"] == 3
    assert row["name"] == "Cash deposit machine"
    assert row["names"]["fr"] == "Automate de dépôt d'espèces"
    assert row["terms"] == {"en": ["receipt", "order"], "fr": ["panne", "déposer"]}
    assert row["sources"] == {"X": 1, "Service desk": 1, "App Store": 1}
    assert [e["id"] for e in row["examples"]] == listed_run.outside_clusters[0]["examples"]
    first = Signal.objects.get(pk=row["examples"][0]["id"])
    shown = row["examples"][0]
    assert (shown["text"], shown["source"], shown["url"]) == (first.text, first.source, first.url)
    french = api.get("/api/v1/themes/outside/", HTTP_ACCEPT_LANGUAGE="fr", **bearer(secret))
    assert french.json()["results"][0]["name"] == "Automate de dépôt d'espèces"
    answer = api.get("/api/v1/themes/outside/", **bearer(token_for(bob, "read")))
    assert answer.status_code == 403
    assert api.get("/api/v1/themes/outside/").status_code == 401
