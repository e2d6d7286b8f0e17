"""The analytics page and its CSV downloads: who may see them, that the CSV carries exactly the
page's figures, bad dates, the charts' text alternatives, and a query count that does not grow."""

import csv
import html
import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.community.analytics.conftest import PERIOD, build_world

pytestmark = pytest.mark.django_db

URL = reverse("analytics:dashboard")
PERIOD_QUERY = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}
PANELS = (
    "weekly",
    "answers",
    "funnel",
    "adopted",
    "categories",
    "campaigns",
    "role",
    "age-band",
    "customer-type",
    "region",
)


class Tables(HTMLParser):
    """The text of every <table data-panel=...> on a page, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.panel: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if tag == "table" and "data-panel" in attributes:
            self.panel = attributes["data-panel"]
            self.tables[self.panel] = []
        elif self.panel and tag == "tr":
            self.tables[self.panel].append([])
        elif self.panel and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "table":
            self.panel = None
        elif self.panel and tag in ("td", "th") and self.cell is not None:
            self.tables[self.panel][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 403),
        ("partner", 403),
        ("moderator", 403),
        ("product_manager", 200),
        ("admin_user", 200),
    ],
)
def test_who_may_see_the_page_and_the_csv(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == status
    assert client.get(reverse("analytics:export", args=["weekly"])).status_code == status


def test_a_moderator_given_the_permission_sees_it(client, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="manage_themes"))
    moderator = User.objects.get(pk=moderator.pk)  # a fresh permission cache
    client.force_login(moderator)
    assert client.get(URL).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_every_csv_holds_exactly_the_figures_of_the_page(client, world, product_manager):
    client.force_login(product_manager)
    response = client.get(URL, PERIOD_QUERY)
    assert response.status_code == 200
    tables = page_tables(response.content.decode())
    assert set(tables) == set(PANELS)
    for slug in PANELS:
        download = client.get(reverse("analytics:export", args=[slug]), PERIOD_QUERY)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/csv")
        assert download.content.startswith("\ufeff".encode())  # accents right in spreadsheets
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert rows == tables[slug], slug


def test_the_pages_own_download_links_and_form_work_on_any_day(client, world, product_manager):
    """The figures cover whole weeks, to the coming Sunday; the links and the form used to carry
    that Sunday, which the form refuses as after today (400 every day but Sunday)."""
    client.force_login(product_manager)
    page = client.get(URL)
    links = re.findall(r'href="(/analytics/export/[^"]+)"', page.content.decode())
    assert len(links) == len(PANELS)
    for link in links:
        response = client.get(html.unescape(link))
        assert response.status_code == 200, (link, response.content[:200])
    form = page.context["form"]
    sent = {name: form[name].value() for name in ("start", "end")}
    assert client.get(URL, sent).status_code == 200


def test_small_groups_read_fewer_than_10_on_the_page_and_in_the_csv(client, world, product_manager):
    client.force_login(product_manager)
    tables = page_tables(client.get(URL, PERIOD_QUERY).content.decode())
    age = {row[0]: row[1:] for row in tables["age-band"]}
    # Columns: new members, ideas, votes, comments. Three people are 65 or over.
    assert age["65 or over"][:2] == ["fewer than 10", "fewer than 10"]
    assert age["35 to 44"][1] == "hidden"
    assert age["25 to 34"][1] == "12"
    download = client.get(reverse("analytics:export", args=["age-band"]), PERIOD_QUERY)
    assert "65 or over,fewer than 10,fewer than 10" in download.content.decode()


def test_no_number_of_a_small_group_reaches_the_page(client, world, product_manager):
    """The three people aged 65+ posted 3 ideas in Savings: no table cell says 3, anywhere."""
    client.force_login(product_manager)
    tables = page_tables(client.get(URL, PERIOD_QUERY).content.decode())
    cells = [cell for rows in tables.values() for row in rows for cell in row[1:]]
    assert "3" not in cells
    assert "5" not in cells  # five commenters in week 3
    # By age band, the 11 ideas of people aged 35-44 would give away 26 - 12 - 11 = 3 ...
    age_ideas = [row[2] for row in tables["age-band"][1:]]
    assert "11" not in age_ideas
    # ... while Partners as a whole (the same 11 people) are shown: not a small group, and no
    # published figure crosses role with age (outside knowledge aside, docs/analytics.md).
    assert ["Partners", "11", "11", "0", "hidden"] in tables["role"]  # comments: a small week


def test_each_chart_is_svg_with_a_title_and_a_description(client, world, product_manager):
    client.force_login(product_manager)
    html = client.get(URL, PERIOD_QUERY).content.decode()
    charts = re.findall(r"<svg[^>]*class=\"chart\"[^>]*>.*?</svg>", html, re.S)
    assert len(charts) >= 4 + 1 + 1 + 1 + 2 + 4 * 4
    for chart in charts:
        assert 'role="img"' in chart
        assert "aria-labelledby" in chart
        assert re.search(r"<title id=[^>]+>[^<]+</title><desc id=[^>]+>[^<]+</desc>", chart)
        assert "style=" not in chart  # the CSP forbids inline styles
    assert "<script" not in html.split("</header>")[1]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-13-01"}, "start", "Enter the date as YYYY-MM-DD, for example 2026-12-31."),
        ({"start": "2026-10-10", "end": "2026-10-01"}, "start", "on or before the end"),
        ({"end": "2099-01-01"}, "end", "cannot end after today"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "start", "at most three years"),
    ],
)
def test_bad_dates_are_field_errors(client, product_manager, query, field, message):
    client.force_login(product_manager)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert client.get(reverse("analytics:export", args=["weekly"]), query).status_code == 400


def test_the_default_period_is_the_last_12_weeks(client, product_manager):
    client.force_login(product_manager)
    analytics = client.get(URL).context["analytics"]
    assert len(analytics.period.weeks) == 12
    assert analytics.period.start.weekday() == 0


def test_an_unknown_panel_is_404(client, product_manager):
    client.force_login(product_manager)
    assert client.get(reverse("analytics:export", args=["nothing"])).status_code == 404


def queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, PERIOD_QUERY).status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_data(client, product_manager):
    client.force_login(product_manager)
    build_world(product_manager)
    client.get(URL, PERIOD_QUERY)  # warm the session and permission caches alike
    small = queries(client)
    for _round in range(2):  # twice the members, ideas, votes, comments and answers
        build_world(product_manager)
    assert queries(client) == small
