"""An idea page's text and status history kept as one fragment (ideas.idea_text) on a real
Redis: one fragment for every viewer, each viewer's own report form, and never a text older than
the content it shows."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas import services as idea_services
from ideas.models import Idea
from tests.helpers import assert_kept_page_is_whole, fragment_keys, posted_hours_ago, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()  # type: ignore[no-any-return]


def mark_texts(shared_cache, marker: str) -> None:  # type: ignore[no-untyped-def]
    """Write `marker` into every stored text, as only a text served from the cache shows it."""
    for key in fragment_keys(shared_cache, "idea"):
        name = key.split(":", 2)[2]
        generation, html = cache.get(name)
        cache.set(name, (generation, html.replace("</article>", f"{marker}</article>")), 30)


def test_the_text_rendered_for_the_author_is_served_to_another_member_with_their_report_form(  # type: ignore[no-untyped-def]
    shared_cache, idea, alice, bob
) -> None:
    url = idea.get_absolute_url()
    for_alice = page(signed_in(alice), url)  # the author: no report form
    keys = fragment_keys(shared_cache, "idea")
    assert len(keys) == 1
    mark_texts(shared_cache, "<!--from-the-cache-->")
    for_bob = page(signed_in(bob), url)
    assert fragment_keys(shared_cache, "idea") == keys
    assert "<!--from-the-cache-->" in for_bob
    flag_url = reverse("community:idea_flag", args=[idea.pk])
    assert flag_url in for_bob
    assert flag_url not in for_alice
    assert flag_url not in page(signed_in(alice), url)
    assert idea.body_html in for_bob


def test_the_idea_page_is_the_same_with_its_text_as_a_fragment_as_rendered_whole(  # type: ignore[no-untyped-def]
    shared_cache, settings, idea, bob, product_manager
) -> None:
    idea_services.idea_change_status(
        idea=idea, actor=product_manager, to_status="planned", response="Coming in March."
    )
    posted_hours_ago(Idea.objects.filter(pk=idea.pk))
    client, url = signed_in(bob), idea.get_absolute_url()
    assert_kept_page_is_whole(client, settings, url, "Coming in March.")
    assert fragment_keys(shared_cache, "idea")


def test_an_edited_idea_and_an_official_answer_are_never_shown_from_an_older_text(  # type: ignore[no-untyped-def]
    shared_cache, idea, alice, bob, product_manager
) -> None:
    client, url = signed_in(bob), idea.get_absolute_url()
    assert "Coming in March." not in page(client, url)
    idea_services.idea_update(
        idea=idea,
        editor=alice,
        title=idea.title,
        body="Let me freeze my card from the app, and unfreeze it.",
        category=idea.category,
        language=idea.language,
    )
    assert "and unfreeze it." in page(client, url)
    idea_services.idea_change_status(
        idea=idea, actor=product_manager, to_status="planned", response="Coming in March."
    )
    html = page(client, url)
    assert "Coming in March." in html
    assert "timeline-planned" in html


def test_a_warm_idea_page_reads_neither_its_history_nor_its_authors_badges(  # type: ignore[no-untyped-def]
    shared_cache, idea, bob
) -> None:
    client, url = signed_in(bob), idea.get_absolute_url()

    def read(sql: str) -> str:
        """The table a query reads; the author's staff role (accounts.roles.StaffRole) reads
        the accounts as the session's user does, by its own shape."""
        if sql.startswith('SELECT DISTINCT "accounts_user"."id" FROM'):
            return "staff role"
        return sql.split(" FROM ", 1)[1].split()[0]

    def tables_read() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            page(client, url)
        return [read(q["sql"]) for q in queries if " FROM " in q["sql"]]

    cold, warm = tables_read(), tables_read()
    text_only = ['"ideas_statuschange"', "staff role", '"community_badgeaward"']
    for table in text_only:
        assert table in cold
        assert table not in warm
    assert len(warm) == len(cold) - 5  # the idea read again, its history, merged ideas, people
