"""A person logs in and votes, with JavaScript (htmx, no reload) and without it (plain form)."""

import pytest

from ideas.models import Vote

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_vote_with_htmx_updates_the_count_without_reloading(page, live_server, bob, idea):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=bob, email=bob.email, primary=True, verified=True)
    log_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.evaluate("window.stillTheSamePage = true")
    button = page.locator(f"#vote-{idea.pk} button")
    assert button.locator(".vote-count").inner_text() == "0"

    button.click()
    page.locator(f"#vote-{idea.pk}.voted").wait_for()
    assert page.locator(f"#vote-{idea.pk} .vote-count").inner_text() == "1"
    assert page.evaluate("window.stillTheSamePage") is True  # no reload happened
    assert Vote.objects.filter(user=bob, idea=idea).exists()

    page.locator(f"#vote-{idea.pk} button").click()
    page.locator(f"#vote-{idea.pk}:not(.voted)").wait_for()
    assert page.locator(f"#vote-{idea.pk} .vote-count").inner_text() == "0"
    assert page.evaluate("window.stillTheSamePage") is True
    assert not Vote.objects.exists()


def test_vote_without_javascript_posts_the_form_and_comes_back(
    page_without_javascript, live_server, bob, idea
):
    from allauth.account.models import EmailAddress

    page = page_without_javascript
    EmailAddress.objects.create(user=bob, email=bob.email, primary=True, verified=True)
    log_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/ideas/?sort=top")
    page.locator(f"#vote-{idea.pk} button").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/ideas/?sort=top"
    assert page.locator(f"#vote-{idea.pk} .vote-count").inner_text() == "1"
    assert Vote.objects.filter(user=bob, idea=idea).count() == 1


def test_submitting_an_idea_in_the_browser_shows_field_errors_then_publishes(
    page, live_server, bob, category
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=bob, email=bob.email, primary=True, verified=True)
    log_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/ideas/new/")
    page.fill("textarea[name=body]", "Round my card payments up into savings.")
    page.click("main form.stacked button[type=submit]")
    title, chosen = page.locator(".field.has-error").all()  # the title, and no category chosen
    assert "This field is required." in title.inner_text()
    assert "This field is required." in chosen.inner_text()
    assert (
        page.locator("textarea[name=body]").input_value()
        == "Round my card payments up into savings."
    )
    page.fill("input[name=title]", "Round-up savings")
    page.select_option("select[name=category]", label=category.name)
    page.click("main form.stacked button[type=submit]")
    page.locator("h1", has_text="Round-up savings").wait_for()
    assert "Thank you! Your idea is published." in page.content()
