"""The import service: streamed, deduplicated, all or nothing, masked, with clear refusals."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from config.outbox.models import OutboxEvent
from ideas.models import Signal, SignalImport
from ideas.outside.reading import ColumnMapping, author_key
from ideas.outside.services import REJECTED_ROWS, signals_import
from tests.ideas.outside.conftest import MAPPING, csv_bytes, post, run_import

IMPORTED, REFUSED = SignalImport.State.IMPORTED, SignalImport.State.REFUSED


def test_it_imports_rows_as_masked_signals_with_a_report(product_manager):
    data = csv_bytes(
        [
            post(
                "Mon IBAN FR76 3000 6000 0112 3456 7890 189 est bloqué, appelez le 06 12 34 56 78"
            ),
            post("The app logs me out every time I switch apps", "03/11/2026 14:05", "Trustpilot"),
        ]
    )
    batch = run_import(product_manager, data)
    assert (batch.state, batch.rows_read, batch.imported, batch.rejected) == (IMPORTED, 2, 2, 0)
    french = Signal.objects.get(language="fr")
    assert "FR76" not in french.text
    assert "06 12" not in french.text
    assert "[IBAN masqué]" in french.text
    assert "[téléphone masqué]" in french.text
    assert french.masked_kinds == ["iban", "phone"]
    english = Signal.objects.get(language="en")
    assert english.source == "Trustpilot"
    assert (english.posted_at.day, english.posted_at.month) == (3, 11)
    # The handle is kept as a keyed hash only, never as written.
    assert english.author_key == author_key("someone") == author_key("@SomeOne")
    assert not Signal.objects.filter(author_key__icontains="someone").exists()
    assert OutboxEvent.objects.filter(name="signals.imported").count() == 1


def test_it_streams_a_file_it_never_holds_whole(product_manager, settings):
    settings.SIGNALS_BATCH = 50
    rows = [
        post(f"Complaint number {n} about card fees", url=f"https://x.test/{n}") for n in range(600)
    ]
    data = csv_bytes(rows)
    # Odd-sized chunks from a generator: no .read(), no len(); lines cut anywhere.
    chunks = (data[i : i + 97] for i in range(0, len(data), 97))
    batch = signals_import(
        actor=product_manager,
        chunks=chunks,
        file_name="big.csv",
        mapping=MAPPING,
        via=SignalImport.Via.API,
    )
    assert (batch.state, batch.imported) == (IMPORTED, 600)
    assert Signal.objects.count() == 600


def test_duplicates_by_url_or_text_are_skipped_in_the_file_and_against_earlier_imports(
    product_manager,
):
    first = csv_bytes(
        [
            post("Fees are too high", url="https://x.test/status/1"),
            post("Another text, same post", url="HTTPS://X.test/status/1/#reply"),
            post("Branch closed   on SATURDAY"),
            post("branch closed on saturday"),
        ]
    )
    batch = run_import(product_manager, first)
    assert (batch.imported, batch.duplicates) == (2, 2)
    again = csv_bytes(
        [
            post("Fees are too high (edited)", url="https://x.test/status/1"),
            post("Branch closed on Saturday"),
            post("New one"),
        ]
    )
    second = run_import(product_manager, again, file_name="again.csv")
    assert (second.imported, second.duplicates) == (1, 2)
    assert Signal.objects.count() == 3


def test_one_rejected_row_and_nothing_is_imported_with_every_rejection_listed(
    product_manager, settings
):
    settings.SIGNALS_BATCH = 2  # rows were already written in batches when the rejection comes
    rows = [post(f"Good row {n}") for n in range(5)] + [
        post("", "2026-11-01"),
        post("No date here", "yesterday"),
        post("Bad link", url="javascript:alert(1)"),
        post("From the future", "2099-01-01"),
    ]
    batch = run_import(product_manager, csv_bytes(rows))
    assert batch.state == REFUSED
    assert batch.error_field == REJECTED_ROWS
    assert (batch.rows_read, batch.imported, batch.rejected) == (9, 0, 4)
    assert [item["row"] for item in batch.rejected_rows] == [7, 8, 9, 10]
    reasons = " | ".join(item["reason"] for item in batch.rejected_rows)
    assert "text is empty" in reasons
    assert "“yesterday” is not a date" in reasons
    assert "web address" in reasons
    assert "in the future" in reasons
    assert Signal.objects.count() == 0
    assert not OutboxEvent.objects.filter(name="signals.imported").exists()


def test_skipping_rejected_rows_imports_the_valid_ones(product_manager):
    rows = [post("Good row"), ["", "", "", "", ""], post("", "2026-11-01"), post("Another")]
    batch = run_import(product_manager, csv_bytes(rows), skip_rejected=True)
    assert (batch.state, batch.imported, batch.rejected) == (IMPORTED, 2, 1)
    # Row numbers as a spreadsheet shows them: the header is row 1, the blank row 3 counts.
    assert batch.rejected_rows == [{"row": 4, "reason": "the text is empty"}]


def test_a_file_refused_midway_leaves_no_row_behind(product_manager, settings):
    settings.SIGNALS_BATCH = 5
    good = csv_bytes([post(f"Fine row {n}") for n in range(20)])
    data = good + "Débit refusé,2026-11-02,X,@a,\r\n".encode("cp1252")
    batch = run_import(product_manager, data)
    assert batch.state == REFUSED
    assert batch.error_field == "encoding"
    assert "Line 22 cannot be read as UTF-8 (byte 0xe9 at position 2)" in batch.error
    assert "Windows-1252" in batch.error
    assert Signal.objects.count() == 0


def test_the_right_encoding_reads_the_same_file(product_manager):
    data = csv_bytes([post("Débit refusé à l'étranger")], encoding="cp1252")
    batch = run_import(product_manager, data, encoding="cp1252")
    assert batch.state == IMPORTED
    assert Signal.objects.get().text == "Débit refusé à l'étranger"


@pytest.mark.parametrize(("encoding", "named"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_utf16_and_utf32_files_are_refused_clearly(product_manager, encoding, named):
    data = csv_bytes([post("Hello")], encoding=encoding)
    batch = run_import(product_manager, data)
    assert (batch.state, batch.error_field) == (REFUSED, "encoding")
    assert batch.error.startswith(f"The file is in {named}.")


def test_missing_columns_are_named_before_any_row_is_read(product_manager):
    mapping = ColumnMapping(text="Message", date="Date", source="Channel", author="User")
    batch = run_import(product_manager, csv_bytes([post("x")]), mapping=mapping)
    assert (batch.state, batch.error_field, batch.rows_read) == (REFUSED, "date_column", 0)
    assert "No column “Date”, “Channel” in the file." in batch.error
    assert "“Message”, “Posted”, “Network”, “User”, “Link”" in batch.error


def test_a_file_over_the_size_limit_is_refused(product_manager, settings):
    settings.SIGNALS_MAX_UPLOAD_BYTES = 2_000
    data = csv_bytes([post(f"Row {n} " + "x" * 50) for n in range(50)])
    batch = run_import(product_manager, data)
    assert batch.state == REFUSED
    assert batch.error_field == "file"
    assert "The file is larger than 0.00191 MB (0.0 MB)" in batch.error
    # Also when the size is not known beforehand (a stream): counted as it is read.
    streamed = signals_import(
        actor=product_manager,
        chunks=iter([data]),
        file_name="stream.csv",
        mapping=MAPPING,
        via=SignalImport.Via.API,
    )
    assert streamed.state == REFUSED
    assert "larger than" in streamed.error
    assert Signal.objects.count() == 0


def test_nul_bytes_are_removed_with_a_warning_naming_the_line(product_manager):
    data = csv_bytes([post("Card\x00 declined"), post("Fine")])
    batch = run_import(product_manager, data)
    assert batch.state == IMPORTED
    assert Signal.objects.filter(text="Card declined").exists()
    assert batch.warnings == [{"line": 2, "warning": "NUL bytes were removed from this line."}]


def test_semicolons_a_bom_and_a_source_name_are_understood(product_manager):
    data = "\ufeff" + "Verbatim;Date de création\r\nFrais de tenue de compte;2026-10-01\r\n"
    mapping = ColumnMapping(text="verbatim", date="Date de création", source_name="Enquête NPS")
    batch = run_import(product_manager, data.encode())
    assert batch.state == REFUSED  # no source name given through MAPPING: see below
    batch = run_import(product_manager, data.encode(), mapping=mapping)
    assert batch.state == IMPORTED
    assert Signal.objects.get().source == "Enquête NPS"


def test_a_file_whose_lines_end_with_a_carriage_return_alone_is_read(product_manager):
    data = "Verbatim;Date\rFrais de tenue de compte;2026-10-01\rAppli lente;2026-10-02\r"
    mapping = ColumnMapping(text="Verbatim", date="Date", source_name="Excel Mac")
    batch = run_import(product_manager, data.encode(), mapping=mapping)
    assert batch.state == IMPORTED
    assert sorted(Signal.objects.values_list("text", flat=True)) == [
        "Appli lente",
        "Frais de tenue de compte",
    ]


def test_only_product_managers_import(alice, moderator):
    for person in (alice, moderator):
        with pytest.raises(PermissionDenied):
            run_import(person, csv_bytes([post("x")]))
    assert not SignalImport.objects.exists()


def test_an_empty_file_and_a_headerless_one_are_refused(product_manager):
    assert run_import(product_manager, b"").error == "The file is empty."
    only_header = run_import(product_manager, csv_bytes([]) + b"\r\n")
    assert (only_header.state, only_header.error) == (
        REFUSED,
        "The file has no rows under its header.",
    )
    batch = run_import(product_manager, b"\r\n\r\n")
    assert (batch.state, batch.error) == (
        REFUSED,
        "The first line of the file must name its columns.",
    )


def test_a_file_with_more_columns_than_any_export_has_is_refused_with_the_count(product_manager):
    header = ";".join(["Text", "Date", *(f"extra {n}" for n in range(600))])
    batch = run_import(product_manager, f"{header}\r\nSlow app;2026-10-01\r\n".encode())
    assert (batch.state, batch.error) == (
        REFUSED,
        "The file has 602 columns; at most 500 are read. Keep the ones to import.",
    )


def test_a_cell_longer_than_a_cell_may_be_is_refused_naming_its_row_and_the_limit(product_manager):
    data = csv_bytes([post("Fine"), post("x" * 140_000), post("Also fine")])
    batch = run_import(product_manager, data)
    assert (batch.state, batch.error_field) == (REFUSED, "file")
    assert batch.error == (
        "Row 3 has a cell longer than 131,072 characters, the most a cell may hold: nothing was "
        "imported. A quote opened in that row and never closed makes the rest of the file one "
        "cell: check the quotes there."
    )
    assert not Signal.objects.exists()


def test_a_quote_never_closed_is_named_by_the_row_where_it_opens(product_manager):
    rows = csv_bytes([post("Fine"), post("Fine too")]) + b'"Never closed,2026-11-20,X,@a,\r\n'
    data = rows + b"".join(f"Row {n} {'y' * 60},2026-11-20,X,@a,\r\n".encode() for n in range(3000))
    batch = run_import(product_manager, data)
    assert batch.state == REFUSED
    assert batch.error.startswith("Row 4 has a cell longer than 131,072 characters")


def test_a_header_cell_longer_than_a_cell_may_be_is_named_too(product_manager):
    batch = run_import(product_manager, f"Text,{'x' * 140_000}\r\nSlow app,X\r\n".encode())
    assert batch.state == REFUSED
    assert batch.error.startswith("Row 1 has a cell longer than 131,072 characters")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("1999-12-31", "is before 2000-01-01"),
        ("31/12/1899", "is before 2000-01-01"),
        ("0001-01-01", "is before 2000-01-01"),
        ("0001-01-01T00:00:00+01:00", "is before 2000-01-01"),  # UTC cannot hold it
        ("2099-01-01", "is in the future"),
        ("9999-12-31T23:00:00-05:00", "is in the future"),  # nor this one
    ],
)
def test_a_date_out_of_range_is_named_as_such_with_the_range(product_manager, value, problem):
    batch = run_import(product_manager, csv_bytes([post("Card fees", value)]))
    assert batch.state == REFUSED
    (rejection,) = batch.rejected_rows
    latest = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d")
    assert re.fullmatch(
        f"the date “{re.escape(value)}” {problem}: dates from 2000-01-01 to "
        rf"{latest} \d{{2}}:\d{{2}} are accepted",
        rejection["reason"],
    ), rejection["reason"]


def test_the_first_and_last_dates_of_the_range_are_imported(product_manager):
    tomorrow = timezone.localtime(timezone.now() + timedelta(hours=23)).strftime("%Y-%m-%d %H:%M")
    data = csv_bytes([post("First day", "2000-01-01T00:00:00"), post("Tomorrow", tomorrow)])
    batch = run_import(product_manager, data)
    assert (batch.state, batch.imported) == (IMPORTED, 2)


def test_a_source_longer_than_a_source_may_be_is_rejected_not_cut(product_manager):
    long = "Enquête de satisfaction clients, vague de décembre 2026, agences de l'Île-de-France"
    assert len(long) == 83
    batch = run_import(product_manager, csv_bytes([post("Card fees", source=long), post("Ok")]))
    assert batch.state == REFUSED
    assert batch.rejected_rows == [
        {"row": 2, "reason": "the source is longer than 80 characters (83)"}
    ]
    assert not Signal.objects.exists()
    # Skipping rejected rows imports the others, and never a cut source.
    batch = run_import(
        product_manager, csv_bytes([post("Card fees", source=long), post("Ok")]), skip_rejected=True
    )
    assert (batch.imported, batch.rejected) == (1, 1)
    assert list(Signal.objects.values_list("source", flat=True)) == ["X"]


def test_a_source_name_longer_than_a_source_may_be_is_refused_before_anything(product_manager):
    mapping = ColumnMapping(text="Message", date="Posted", source_name="S" * 81)
    with pytest.raises(ValidationError) as refused:
        run_import(product_manager, csv_bytes([post("Card fees")]), mapping=mapping)
    assert refused.value.message_dict == {
        "source_name": ["The source name is longer than 80 characters (81)."]
    }
    assert not SignalImport.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-03", "2026-12-03 11:00"),  # noon in Paris
        ("2026-12-03T14:05:00Z", "2026-12-03 14:05"),
        ("2026-12-03 14:05:00+02:00", "2026-12-03 12:05"),
        ("03/12/2026", "2026-12-03 11:00"),
        ("3/12/2026 14:05", "2026-12-03 13:05"),
        ("03.12.2026 14:05:30", "2026-12-03 13:05"),
        ("2026/12/03", "2026-12-03 11:00"),
        ("31/02/2026", None),
        ("12/31/2026", None),  # month first is not read (ambiguous with day first)
        ("1999-12-31", "1999-12-31 11:00"),  # a date, out of range: see above
        ("yesterday", None),
    ],
)
def test_dates_are_read_in_the_usual_formats(value, expected):
    from ideas.outside.reading import parse_date

    parsed = parse_date(value)
    assert (parsed.strftime("%Y-%m-%d %H:%M") if parsed else None) == expected


def test_an_unexpected_error_leaves_no_row_and_a_report_saying_so(product_manager):
    def chunks():  # type: ignore[no-untyped-def]
        yield csv_bytes([post("Fine row")])
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="disk"):
        signals_import(
            actor=product_manager,
            chunks=chunks(),
            file_name="x.csv",
            mapping=MAPPING,
            via=SignalImport.Via.COMMAND,
        )
    batch = SignalImport.objects.get()
    assert batch.state == REFUSED
    assert "unexpected error" in batch.error
    assert not Signal.objects.exists()
