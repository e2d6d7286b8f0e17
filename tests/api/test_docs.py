"""The interactive docs work under the site's strict CSP: no inline script or style, the start-up
script and Swagger UI's files served from this site (the sidecar wheel), nothing from a CDN."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders

from config.security import policy_header


def test_the_docs_page_keeps_the_sites_policy_and_has_nothing_inline(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == policy_header(settings.CONTENT_SECURITY_POLICY)
    html = response.content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    assert all('src="/' in attributes and not body.strip() for attributes, body in scripts)
    assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]+)"', html))


def test_the_docs_files_are_served_from_this_site(client, db):
    html = client.get("/api/docs/").content.decode()
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert finders.find(url.removeprefix("/static/")), url
    start = re.search(r'<script src="(/api/docs/\?[^"]*)"', html)
    assert start is not None
    script = client.get(start.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content


def test_the_schema_lists_every_operation(client, db):
    schema = client.get("/api/schema/?format=json").json()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert len(operations) == 24
    assert ("post", "/api/v1/ideas/{id}/vote/") in operations
    assert ("post", "/api/v1/moderation/ideas/{id}/{action}/") in operations
    assert ("post", "/api/v1/notifications/read/") in operations
    assert "apiToken" in schema["components"]["securitySchemes"]


def test_every_paged_list_names_its_page_parameters_in_the_schema(client, db):
    """Clients generated from the schema can ask for a page and its size (the views page by
    hand, so the schema would not know otherwise)."""
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]

    def answer(operation: dict) -> dict:  # type: ignore[type-arg]
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        return components.get(body.get("$ref", "").rsplit("/", 1)[-1], body)  # type: ignore[no-any-return]

    paged = {
        path: {p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query"}
        for path, item in schema["paths"].items()
        if "get" in item and "results" in answer(item["get"]).get("properties", {})
    }
    assert len(paged) == 9, sorted(paged)
    assert paged.pop("/api/v1/ideas/") >= {"after", "before", "page_size"}
    for path, names in paged.items():
        assert {"page", "page_size"} <= names, path
