"""The public roadmap and the "you asked, we did" changelog (ideas/roadmap/): each public idea
once, in the column of its current status, by the answer that put it there; their Atom feeds."""

from xml.etree import ElementTree

from django.urls import reverse
from django.utils import timezone

from ideas.models import Status
from ideas.services import idea_change_status
from tests.factories import IdeaFactory, UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def _answer(idea, to_status, response="Our answer", *, staff=None):  # type: ignore[no-untyped-def]
    staff = staff or UserFactory(role="product_manager", display_name="Claire from Cards")
    return idea_change_status(idea=idea, actor=staff, to_status=to_status, response=response)


# The workflow's shortest way from New to each status (ideas.models.STATUS_TRANSITIONS).
PATH = {
    Status.PLANNED: [Status.PLANNED],
    Status.IN_PROGRESS: [Status.PLANNED, Status.IN_PROGRESS],
    Status.DONE: [Status.PLANNED, Status.IN_PROGRESS, Status.DONE],
}


def _reach(idea, status, response="Our answer", *, staff=None):  # type: ignore[no-untyped-def]
    for step in PATH[status]:
        change = _answer(idea, step, response, staff=staff)
    return change


def _column_titles(response, status):  # type: ignore[no-untyped-def]
    column = next(c for c in response.context["columns"] if c.status == status)
    return [answer.idea.title for answer in column.answers]


def test_each_idea_once_in_the_column_of_its_current_status_newest_answer_first(client, db):
    planned_first = IdeaFactory(title="Round-ups into savings")
    planned_later = IdeaFactory(title="Card freeze in the app")
    started = IdeaFactory(title="Instant transfers")
    done = IdeaFactory(title="Dark mode")
    moved_back = IdeaFactory(title="Cashback on groceries")
    twice = IdeaFactory(title="Salary alerts")
    declined = IdeaFactory(title="Crypto wallet")
    hidden = IdeaFactory(title="Hidden idea", hidden_at=timezone.now())
    _answer(planned_first, Status.PLANNED)
    _answer(planned_later, Status.PLANNED)
    _answer(started, Status.PLANNED)
    _answer(started, Status.IN_PROGRESS)
    _reach(done, Status.DONE, "Shipped in version 4.2")
    _answer(moved_back, Status.PLANNED)
    _answer(moved_back, Status.UNDER_REVIEW)
    _answer(twice, Status.PLANNED)
    _answer(twice, Status.UNDER_REVIEW)
    _answer(twice, Status.PLANNED)
    _answer(declined, Status.DECLINED)
    _answer(hidden, Status.PLANNED)

    response = client.get(reverse("roadmap:roadmap"))

    assert response.status_code == 200
    assert _column_titles(response, Status.PLANNED) == [
        "Salary alerts",
        "Card freeze in the app",
        "Round-ups into savings",
    ]
    assert _column_titles(response, Status.IN_PROGRESS) == ["Instant transfers"]
    assert _column_titles(response, Status.DONE) == ["Dark mode"]
    page = response.content.decode()
    assert "Cashback on groceries" not in page
    assert "Crypto wallet" not in page
    assert "Hidden idea" not in page


def test_the_changelog_shows_adopted_ideas_with_their_answer_and_pages(client, db):
    staff = UserFactory(role="product_manager", display_name="Claire from Cards")
    ideas = [IdeaFactory(title=f"Delivered idea {i}") for i in range(23)]
    for i, idea in enumerate(ideas):
        _reach(idea, Status.DONE, f"Delivered as asked, number {i}", staff=staff)
    IdeaFactory(title="Still planned")

    first = client.get(reverse("roadmap:changelog"))
    second = client.get(reverse("roadmap:changelog") + "?page=2")

    shown = [a.idea.title for a in first.context["page"]] + [
        a.idea.title for a in second.context["page"]
    ]
    assert shown == [f"Delivered idea {i}" for i in reversed(range(23))]
    assert "Delivered as asked, number 22" in first.content.decode()
    assert "Answer from Claire from Cards" in first.content.decode()
    assert "Still planned" not in first.content.decode() + second.content.decode()


def test_feeds_are_atom_with_absolute_ids_and_no_email(client, db):
    staff = UserFactory(role="product_manager", display_name="", email="secret.pm@bank.example")
    planned, done = IdeaFactory(title="Planned idea"), IdeaFactory(title="Done idea")
    _answer(planned, Status.PLANNED, staff=staff)
    _reach(done, Status.DONE, "Done, thank you", staff=staff)

    for name, titles in (
        ("roadmap:roadmap_feed", {"Planned idea: Planned", "Done idea: Done"}),
        ("roadmap:changelog_feed", {"Done idea"}),
    ):
        response = client.get(reverse(name))
        assert response["Content-Type"].startswith("application/atom+xml")
        body = response.content.decode()
        assert "secret.pm" not in body
        root = ElementTree.fromstring(response.content)  # noqa: S314 (our own server's output)
        entries = root.findall(f"{ATOM}entry")
        assert {e.findtext(f"{ATOM}title") for e in entries} == titles
        assert all(e.findtext(f"{ATOM}id").startswith("http://testserver/") for e in entries)


def test_the_roadmap_makes_the_same_queries_with_3_or_30_ideas_per_column(
    client, db, django_assert_num_queries
):
    staff = UserFactory(role="product_manager")

    def add(n):  # type: ignore[no-untyped-def]
        for status in (Status.PLANNED, Status.IN_PROGRESS, Status.DONE):
            for _ in range(n):
                _reach(IdeaFactory(), status, staff=staff)

    add(3)
    with django_assert_num_queries(3):  # one per column, nothing per idea
        client.get(reverse("roadmap:roadmap"))
    add(27)
    with django_assert_num_queries(3):
        client.get(reverse("roadmap:roadmap"))
