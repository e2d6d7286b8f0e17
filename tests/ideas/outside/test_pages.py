"""The two-step form (upload, columns, report), the command and the API: one service, the same
refusals; signals are never shown to members or visitors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from ideas.models import Signal, SignalImport
from tests.api.conftest import bearer, token_for
from tests.ideas.outside.conftest import csv_bytes, post, run_import

MESSY = csv_bytes(
    [
        [
            "  ticket 4411 ",
            "Frais de virement instantané trop élevés",
            "Service desk",
            "02/11/2026",
        ],
        [
            "ticket 4412",
            "Card declined abroad, call me on 07700 900123",
            "Service desk",
            "03/11/2026",
        ],
    ],
    header=["Ticket", "Description", "Canal", "Créé le"],
    delimiter=";",
)


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


def _upload(client, data: bytes = MESSY, name: str = "desk.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("themes:signals"),
        {"file": SimpleUploadedFile(name, data, "text/csv"), "encoding": "utf-8"},
    )


def test_a_product_manager_uploads_maps_the_guessed_columns_and_reads_the_report(
    client, product_manager
):
    client.force_login(product_manager)
    response = _upload(client)
    batch = SignalImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("themes:signals_map", args=[batch.pk])
    page = client.get(response["Location"])
    form = page.context["form"]
    # Guessed from the column names: the text, the date and the source.
    assert form.initial == {
        "text_column": "Description",
        "date_column": "Créé le",
        "source_column": "Canal",
    }
    assert "Frais de virement instantané" in page.content.decode()  # the first rows, as read
    response = client.post(
        response["Location"],
        {"text_column": "Description", "date_column": "Créé le", "source_column": "Canal"},
    )
    assert response["Location"] == reverse("themes:signals_report", args=[batch.pk])
    report = client.get(response["Location"]).content.decode()
    assert "2 signals imported." in report
    assert Signal.objects.filter(text__contains="[phone removed]").count() == 1
    batch.refresh_from_db()
    assert batch.state == SignalImport.State.IMPORTED


def test_the_kept_upload_is_deleted_once_imported(client, product_manager, settings, tmp_path):
    client.force_login(product_manager)
    response = _upload(client)
    kept = list((tmp_path / "uploads").iterdir())
    assert len(kept) == 1
    client.post(
        response["Location"],
        {"text_column": "Description", "date_column": "Créé le", "source_name": "Desk"},
    )
    assert list((tmp_path / "uploads").iterdir()) == []


def test_an_upload_nobody_maps_is_deleted_by_the_retention_job_after_a_day(
    client, product_manager, tmp_path
):
    import os
    from datetime import timedelta

    from django.utils import timezone

    from community.retention.purge import retention_counts, retention_purge

    client.force_login(product_manager)
    old, fresh = (_upload(client, name=name) for name in ("old.csv", "fresh.csv"))
    old_batch = SignalImport.objects.get(file_name="old.csv")
    SignalImport.objects.filter(pk=old_batch.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    orphan = tmp_path / "uploads" / "0123abcd.csv"  # a crash between the file and its row
    orphan.write_bytes(b"Message\nhello\n")
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(orphan, (two_days_ago, two_days_ago))
    assert len(list((tmp_path / "uploads").iterdir())) == 3
    assert retention_counts()["signal_uploads"] == 1

    run = retention_purge()

    assert run.counts["signal_uploads"] == 1
    left = [p.name for p in (tmp_path / "uploads").iterdir()]
    assert left == [SignalImport.objects.get(file_name="fresh.csv").stored_name]
    old_batch.refresh_from_db()
    assert old_batch.state == SignalImport.State.REFUSED
    page = client.get(old["Location"], follow=True).content.decode()  # the mapping page
    assert "The columns were not chosen in time" in page
    assert client.get(fresh["Location"]).status_code == 200  # still waiting for its columns
    assert retention_purge().counts["signal_uploads"] == 0


def test_a_large_upload_is_imported_by_the_worker_and_the_report_appears_when_done(
    client, product_manager, settings, tmp_path, django_capture_on_commit_callbacks
):
    from ideas.outside.services import signal_upload_run

    settings.SIGNALS_FORM_INLINE_BYTES = 100  # MESSY is larger: the worker imports it
    client.force_login(product_manager)
    location = _upload(client)["Location"]
    batch = SignalImport.objects.get()
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            location,
            {"text_column": "Description", "date_column": "Créé le", "source_column": "Canal"},
        )
    report_url = reverse("themes:signals_report", args=[batch.pk])
    assert response["Location"] == report_url  # answered before any row is read
    batch.refresh_from_db()
    assert batch.state == SignalImport.State.QUEUED
    assert not Signal.objects.exists()
    waiting = client.get(report_url).content.decode()
    assert "Waiting for the worker" in waiting
    assert 'hx-trigger="every 5s"' in waiting  # the report asks for itself again
    assert "http-equiv" not in waiting  # never by reloading the page (WCAG failure F41)
    assert len(queued) == 1

    queued[0]()  # the task, sent to the worker on commit (run eagerly in these tests)

    batch.refresh_from_db()
    assert batch.state == SignalImport.State.IMPORTED
    assert Signal.objects.count() == 2
    done = client.get(report_url).content.decode()
    assert "2 signals imported." in done
    assert "hx-trigger" not in done  # done: it stops asking
    assert list((tmp_path / "uploads").iterdir()) == []
    assert signal_upload_run(batch_id=batch.pk) is None  # run twice: nothing more


def test_a_large_upload_in_the_worker_is_still_all_or_nothing(
    client, product_manager, settings, django_capture_on_commit_callbacks
):
    settings.SIGNALS_FORM_INLINE_BYTES = 0
    client.force_login(product_manager)
    location = _upload(client)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        # "Ticket" as the date: every row is rejected, so nothing is imported.
        client.post(
            location,
            {"text_column": "Description", "date_column": "Ticket", "source_name": "Desk"},
        )
    batch = SignalImport.objects.get()
    assert batch.state == SignalImport.State.REFUSED
    assert batch.rejected == 2
    assert not Signal.objects.exists()


def test_the_form_says_what_is_wrong(client, product_manager, settings):
    client.force_login(product_manager)
    settings.SIGNALS_MAX_UPLOAD_BYTES = 100
    response = _upload(client, MESSY * 3)
    assert response.status_code == 400
    assert "The file is larger than 9.54e-05 MB" in response.content.decode()
    settings.SIGNALS_MAX_UPLOAD_BYTES = 10_000
    location = _upload(client)["Location"]
    response = client.post(location, {"text_column": "Description", "date_column": "Ticket"})
    assert response.status_code == 400
    assert "Name the source, or choose a source column." in response.content.decode()
    response = client.post(
        location, {"text_column": "Description", "date_column": "Ticket", "source_name": "Desk"}
    )
    report = client.get(response["Location"]).content.decode()
    assert "Nothing was imported." in report
    assert "“ticket 4411” is not a date" in report


def test_a_file_that_is_not_utf8_is_refused_when_its_columns_are_shown(
    client, product_manager, tmp_path
):
    client.force_login(product_manager)
    location = _upload(client, "Texte,Date\r\nRefusé,2026-11-01\r\n".encode("cp1252"))["Location"]
    response = client.get(location, follow=True)
    assert "Nothing was imported." in response.content.decode()
    assert "Line 2 cannot be read as UTF-8" in response.content.decode()
    assert SignalImport.objects.get().state == SignalImport.State.REFUSED
    assert list(tmp_path.joinpath("uploads").iterdir()) == []  # the kept file is deleted


def test_members_cannot_reach_the_import(client, alice):
    client.force_login(alice)
    assert _upload(client).status_code == 403
    assert not SignalImport.objects.exists()


def test_the_command_imports_with_the_same_service_and_report(product_manager, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([post("Fees!"), post("", "2026-11-01")]))
    args = [str(path), "--as", product_manager.email, "--text", "Message", "--date", "Posted"]
    with pytest.raises(CommandError, match="1 rows were rejected"):
        call_command("import_signals", *args, "--source", "Network")
    out = capsys.readouterr().out
    assert "row 3: the text is empty" in out
    call_command(
        "import_signals",
        *args,
        "--source",
        "Network",
        "--source-name",
        "Mention",
        "--skip-rejected",
    )
    assert "1 imported" in capsys.readouterr().out
    assert Signal.objects.get().source == "X"  # the column wins, the name fills empty cells
    with pytest.raises(CommandError, match="No column “When”"):
        call_command(
            "import_signals",
            str(path),
            "--as",
            product_manager.email,
            "--text",
            "Message",
            "--date",
            "When",
            "--source-name",
            "X",
        )


def test_the_command_refuses_people_who_are_not_product_managers(alice, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([post("Fees!")]))
    with pytest.raises(CommandError, match="Only product managers"):
        call_command(
            "import_signals",
            str(path),
            "--as",
            alice.email,
            "--text",
            "Message",
            "--date",
            "Posted",
            "--source",
            "Network",
        )


def test_the_command_refuses_a_source_name_longer_than_a_source_may_be(product_manager, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes([post("Fees!")]))
    args = [str(path), "--as", product_manager.email, "--text", "Message", "--date", "Posted"]
    with pytest.raises(CommandError, match=r"^The source name is longer than 80 characters \(81\)"):
        call_command("import_signals", *args, "--source-name", "S" * 81)
    assert not Signal.objects.exists()


def _api_post(api, user, data: bytes, **fields):  # type: ignore[no-untyped-def]
    body = {
        "file": SimpleUploadedFile("api.csv", data, "text/csv"),
        "text_column": "Message",
        "date_column": "Posted",
        "source_column": "Network",
        **fields,
    }
    return api.post(
        "/api/v1/signals/imports/", body, format="multipart", **bearer(token_for(user, "write"))
    )


def test_the_api_imports_for_product_managers_and_names_what_is_wrong(api, product_manager):
    response = _api_post(api, product_manager, csv_bytes([post("Fees!"), post("More fees")]))
    assert response.status_code == 201, response.json()
    assert response.json()["imported"] == 2
    response = _api_post(api, product_manager, csv_bytes([post("x")]), date_column="When")
    assert response.status_code == 400
    assert "No column “When”" in response.json()["date_column"][0]
    response = _api_post(api, product_manager, csv_bytes([post("")]))
    assert response.status_code == 422
    assert response.json()["rejected_rows"] == [{"row": 2, "reason": "the text is empty"}]
    response = _api_post(api, product_manager, csv_bytes([post("x")]), encoding="utf-16")
    assert response.status_code == 400
    assert "encoding" in response.json()
    # One column for two fields: refused as the form refuses it (every row was "not a date").
    response = _api_post(api, product_manager, csv_bytes([post("x")]), date_column="message")
    assert response.status_code == 400
    assert response.json() == {"date_column": ["Each column can be used for one field only."]}


def test_the_api_refuses_members_and_read_only_tokens(api, alice, product_manager):
    assert _api_post(api, alice, csv_bytes([post("x")])).status_code == 403
    response = api.post(
        "/api/v1/signals/imports/",
        {"file": SimpleUploadedFile("a.csv", csv_bytes([post("x")]))},
        format="multipart",
        **bearer(token_for(product_manager, "read")),
    )
    assert response.status_code == 403
    assert not Signal.objects.exists()


def test_signals_are_never_shown_to_members_or_visitors(client, api, alice, product_manager, idea):
    run_import(product_manager, csv_bytes([post("Zorglub fees outrage at the branch")]))
    pages = [reverse("ideas:list") + "?q=zorglub", reverse("ideas:list"), "/feeds/ideas/"]
    for person in (None, alice):
        if person is not None:
            client.force_login(person)
        for url in pages:
            response = client.get(url)
            assert b"Zorglub" not in response.content, (person, url)
        assert client.get(reverse("themes:signals")).status_code in (302, 403)
    listed = api.get("/api/v1/ideas/?q=zorglub", **bearer(token_for(alice, "read"))).json()
    assert listed["results"] == []


def test_the_list_of_imports_costs_the_same_queries_for_one_or_many(client, product_manager):
    from tests.helpers import queries_to_get

    client.force_login(product_manager)
    run_import(product_manager, csv_bytes([post("One")]))
    one = queries_to_get(client, reverse("themes:signals"))
    for n in range(5):
        run_import(product_manager, csv_bytes([post(f"More {n}")]), file_name=f"{n}.csv")
    assert queries_to_get(client, reverse("themes:signals")) == one
