"""Reading an export, streamed: bytes → checked lines → CSV rows → masked signals.

Nothing here holds the file: lines are decoded one at a time (an undecodable byte names its
line), NUL bytes are removed with a warning, the size is counted as the bytes go by, and each
row becomes a `ParsedRow` or the reason it was rejected. `ideas.outside.services` writes them.
"""

import csv
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.clustering import detect_language
from ideas.models.outside import (
    SIGNAL_SOURCE_MAX_LENGTH,
    SIGNAL_TEXT_MAX_LENGTH,
    SIGNAL_URL_MAX_LENGTH,
    Signal,
)
from ideas.pii_services import mask_texts

# What the form and the command offer; latin-1 stands in for nothing that cp1252 does not read.
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Excel, Western European)",
    "iso-8859-15": "ISO-8859-15 (Latin-9)",
}
DELIMITERS = ",;\t|"
MB = 1024 * 1024
EARLIEST_YEAR = 2000  # an earlier date is a mistake (or a spreadsheet's day zero)
FIELDS = ("text", "date", "source", "author", "url")


class FileRefused(Exception):
    """The whole file is refused and nothing is written. `field` names the form's (and the
    API's) field the problem is about: "file", "encoding" or "<name>_column"."""

    def __init__(self, message: str, *, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of the file holds what. Text and date are required; a source name stands in
    for a missing source column (or an empty cell)."""

    text: str
    date: str
    source: str = ""
    author: str = ""
    url: str = ""
    source_name: str = ""

    def columns(self) -> dict[str, str]:
        return {name: column for name in FIELDS if (column := getattr(self, name))}

    def repeated(self) -> list[str]:
        """The fields given a column another field has already (columns match whatever their
        case, see column_indexes): each column can be read as one field only."""
        seen: set[str] = set()
        repeated = []
        for name, column in self.columns().items():
            if column.casefold() in seen:
                repeated.append(name)
            seen.add(column.casefold())
        return repeated

    def as_dict(self) -> dict[str, str]:
        return {**self.columns(), "source_name": self.source_name}


def file_too_large(size: int) -> FileRefused:
    limit = settings.SIGNALS_MAX_UPLOAD_BYTES
    return FileRefused(
        _(
            "The file is larger than %(limit)s MB (%(size)s MB). Split it into smaller files "
            "or import it with the command `manage.py import_signals`, which has no web limit "
            "on the request but the same one on the file."
        )
        % {"limit": f"{limit / MB:.3g}", "size": f"{size / MB:.1f}"}
        if size
        else _("The file is larger than %(limit)s MB. Split it into smaller files.")
        % {"limit": f"{limit / MB:.3g}"}
    )


def decoded_lines(
    chunks: Iterable[bytes], *, encoding: str, on_nul: Callable[[int], None]
) -> Iterator[str]:
    """Each line of the file decoded, in order; refuses the file at the first line that is not
    in `encoding`, at a UTF-16 or UTF-32 file, and past SIGNALS_MAX_UPLOAD_BYTES."""
    limit = settings.SIGNALS_MAX_UPLOAD_BYTES
    size = 0
    for number, raw in enumerate(_lines(chunks), start=1):
        size += len(raw)
        if size > limit:
            raise file_too_large(0)
        if number == 1:
            if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's
                raise FileRefused(
                    _("The file is in UTF-32. Save or export it as UTF-8 CSV and upload it again."),
                    field="encoding",
                )
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise FileRefused(
                    _("The file is in UTF-16. Save or export it as UTF-8 CSV and upload it again."),
                    field="encoding",
                )
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
        if b"\x00" in raw:
            if raw.count(b"\x00") * 3 > len(raw):
                raise FileRefused(
                    _(
                        "Line %(line)s is mostly NUL bytes: the file looks like UTF-16 or a "
                        "binary file, not a CSV. Export it as UTF-8 CSV and upload it again."
                    )
                    % {"line": number},
                    field="encoding",
                )
            raw = raw.replace(b"\x00", b"")
            on_nul(number)
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise FileRefused(
                _undecodable(raw, number, encoding, error), field="encoding"
            ) from None


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines ending with b"\\n", whatever size the chunks come in (a Django upload yields
    lines, a file opened in binary mode too, a test may yield anything)."""
    pending = b""
    split = False
    for chunk in chunks:
        pending += chunk
        if b"\n" not in chunk:
            continue
        split = True
        *whole, pending = pending.split(b"\n")
        for line in whole:
            yield line + b"\n"
    if not split and b"\r" in pending:
        # No line feed anywhere: lines end with a carriage return alone, as Excel's "CSV
        # (Macintosh)" writes them (the csv module refused them: "new-line character seen in
        # unquoted field").
        *whole, pending = pending.split(b"\r")
        for line in whole:
            yield line + b"\n"
    if pending:
        yield pending


def _undecodable(raw: bytes, number: int, encoding: str, error: UnicodeDecodeError) -> str:
    byte = raw[error.start : error.start + 1].hex()
    hint = ""
    if encoding == "utf-8":
        try:
            raw.decode("cp1252")
            hint = " " + _("It reads as Windows-1252: choose that encoding and upload it again.")
        except UnicodeDecodeError:
            pass
    return (
        _(
            "Line %(line)s cannot be read as %(encoding)s (byte 0x%(byte)s at position "
            "%(position)s): nothing was imported."
        )
        % {
            "line": number,
            "encoding": ENCODINGS.get(encoding, encoding),
            "byte": byte,
            "position": error.start + 1,
        }
        + hint
    )


# Far more than an export of feedback has (text, date, source, author, link, and what else the
# tool adds), far fewer than make the column mapping page too heavy to serve.
MAX_COLUMNS = 500


def csv_rows(lines: Iterator[str]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (row number, cells): the header is row 1, as in a
    spreadsheet; blank rows are skipped (and counted). The delimiter is the one the header uses
    most."""
    try:
        first = next(lines)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(_chain(first, lines), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error as error:
        raise _cell_too_long(error, row=1) or FileRefused(
            _("The first line is not valid CSV (%(error)s).") % {"error": error}
        ) from None
    if not any(header):
        raise FileRefused(_("The first line of the file must name its columns."))
    if len(header) > MAX_COLUMNS:
        # Each column is a choice in five lists and a column of the preview: 100,000 columns
        # made one page of 25 MB and a minute of the server's time.
        raise FileRefused(
            _("The file has %(count)s columns; at most %(max)s are read. Keep the ones to import.")
            % {"count": f"{len(header):,}", "max": MAX_COLUMNS}
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1  # blank rows count, as in a spreadsheet
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except csv.Error as error:
            raise _cell_too_long(error, row=number + 1) or FileRefused(
                _("Line %(line)s is not valid CSV (%(error)s): nothing was imported.")
                % {"line": reader.line_num, "error": error}
            ) from None

    return header, rows()


def _cell_too_long(error: csv.Error, *, row: int) -> FileRefused | None:
    """The csv module's limit on one cell (csv.field_size_limit(), 131,072 characters), said
    with the row where the cell starts instead of Python's "field larger than field limit".
    The module gives no other sign than that message. A cell that long is almost always a
    quote opened and never closed, which swallows the lines after it."""
    if not str(error).startswith("field larger than field limit"):
        return None
    return FileRefused(
        _(
            "Row %(row)s has a cell longer than %(max)s characters, the most a cell may hold: "
            "nothing was imported. A quote opened in that row and never closed makes the rest "
            "of the file one cell: check the quotes there."
        )
        % {"row": row, "max": f"{csv.field_size_limit():,}"}
    )


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def column_indexes(header: list[str], mapping: ColumnMapping) -> dict[str, int]:
    """The position of each mapped column (exact name, else ignoring case), or the file is
    refused naming every missing one, before any row is read."""
    exact = {name: i for i, name in reversed(list(enumerate(header)))}
    folded = {name.casefold(): i for i, name in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    missing: list[tuple[str, str]] = []
    for name, column in mapping.columns().items():
        index = exact.get(column.strip(), folded.get(column.strip().casefold()))
        if index is None:
            missing.append((name, column))
        else:
            found[name] = index
    if missing:
        raise FileRefused(
            _("No column %(columns)s in the file. Its columns are: %(header)s.")
            % {
                "columns": ", ".join(f"“{column}”" for _name, column in missing),
                "header": ", ".join(f"“{name}”" for name in header),
            },
            field=f"{missing[0][0]}_column",
        )
    return found


@dataclass(frozen=True)
class ParsedRow:
    text: str  # masked
    masked_kinds: tuple[str, ...]
    language: str
    posted_at: datetime
    source: str
    author_key: str
    url: str
    dedupe_key: str


@dataclass
class Rejection:
    row: int
    reason: str


# Day first as French and British tools write it, or year first with slashes; a time may follow.
_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\Z"
)
_YEAR_FIRST = re.compile(
    r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\Z"
)


def parse_date(value: str) -> datetime | None:
    """ISO 8601 (a date, or a date and time, with or without offset), or day first as French
    and British tools write it (31/12/2026 14:05, 31.12.2026), or 2026/12/31, in UTC; None if
    it is none of these. A date without a time is taken at noon, so that no time zone moves its
    day. Whether the date is in the accepted range is the row's check (`date_out_of_range`)."""
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if len(value) == 10:  # a date alone
            parsed = parsed.replace(hour=12)
    except ValueError:
        found = _DAY_FIRST.match(value) or _YEAR_FIRST.match(value)
        if found is None:
            return None
        part = {k: int(v) if v else None for k, v in found.groupdict().items()}
        try:
            parsed = datetime(
                part["y"] or 0,
                part["m"] or 0,
                part["d"] or 0,
                12 if part["H"] is None else part["H"],
                part["M"] or 0,
                part["S"] or 0,
            )
        except ValueError:
            return None
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        # A real date at an end of the calendar that UTC cannot hold (0001-01-01 east of UTC,
        # 9999-12-31 west of it): a date out of range, not an unreadable one.
        return (datetime.min if parsed.year < EARLIEST_YEAR else datetime.max).replace(tzinfo=UTC)


def date_out_of_range(posted_at: datetime, value: str, *, now: datetime) -> str | None:
    """Why a date read from the file is not accepted, naming the range (from 2000-01-01, before
    which a date is a mistake or a spreadsheet's day zero, to a day from now, which allows for
    time zones), or None when it is in range."""
    earliest = timezone.make_aware(datetime(EARLIEST_YEAR, 1, 1))
    latest = now + timedelta(days=1)
    if earliest <= posted_at <= latest:
        return None
    given = {
        "value": value[:40],
        "earliest": f"{earliest:%Y-%m-%d}",
        "latest": f"{timezone.localtime(latest):%Y-%m-%d %H:%M}",
    }
    if posted_at < earliest:
        return (
            _(
                "the date “%(value)s” is before %(earliest)s: dates from %(earliest)s to "
                "%(latest)s are accepted"
            )
            % given
        )
    return (
        _(
            "the date “%(value)s” is in the future: dates from %(earliest)s to %(latest)s are "
            "accepted"
        )
        % given
    )


def normalised_text(text: str) -> str:
    return " ".join(text.casefold().split())


def normalised_url(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def author_key(handle: str) -> str:
    """A keyed hash of the handle (without "@", case folded): counts distinct authors, names
    no one; without SECRET_KEY it cannot be matched back by trying handles."""
    handle = handle.strip().lstrip("@").casefold()
    if not handle:
        return ""
    message = f"ruche-signal-author:{handle}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


_URL = re.compile(r"https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)


@dataclass
class RowReader:
    """Turns a row's cells into a `ParsedRow`, or the reason it is rejected."""

    indexes: dict[str, int]
    mapping: ColumnMapping
    width: int
    now: datetime = field(default_factory=timezone.now)

    def cell(self, cells: list[str], name: str) -> str:
        index = self.indexes.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def read(self, number: int, cells: list[str]) -> ParsedRow | Rejection:
        needed = max(self.indexes.values()) + 1
        if len(cells) < needed:
            return Rejection(
                number,
                _("it has %(cells)s cells, the header has %(header)s")
                % {"cells": len(cells), "header": self.width},
            )
        return row_to_signal(
            text=self.cell(cells, "text"),
            posted=self.cell(cells, "date"),
            source=self.cell(cells, "source") or self.mapping.source_name,
            handle=self.cell(cells, "author"),
            url=self.cell(cells, "url"),
            number=number,
            now=self.now,
        )


def row_to_signal(
    *, text: str, posted: str, source: str, handle: str, url: str, number: int, now: datetime
) -> ParsedRow | Rejection:
    """One row checked and masked: its text through the site's masker (placeholders in the
    text's own language), its author reduced to a keyed hash."""
    if not text:
        return Rejection(number, _("the text is empty"))
    if len(text) > SIGNAL_TEXT_MAX_LENGTH:
        return Rejection(
            number,
            _("the text is longer than %(max)s characters")
            % {"max": f"{SIGNAL_TEXT_MAX_LENGTH:,}"},
        )
    if not posted:
        return Rejection(number, _("the date is empty"))
    posted_at = parse_date(posted)
    if posted_at is None:
        return Rejection(
            number,
            _("“%(value)s” is not a date (2026-12-03, 2026-12-03T14:05 or 03/12/2026)")
            % {"value": posted[:40]},
        )
    if out_of_range := date_out_of_range(posted_at, posted, now=now):
        return Rejection(number, out_of_range)
    if url and (len(url) > SIGNAL_URL_MAX_LENGTH or not _URL.match(url)):
        return Rejection(
            number,
            _("the URL must be a web address (http:// or https://) of %(max)s characters at most")
            % {"max": SIGNAL_URL_MAX_LENGTH},
        )
    if not source:
        return Rejection(number, _("the source is empty and no source name was given"))
    if len(source) > SIGNAL_SOURCE_MAX_LENGTH:
        # Rejected, not cut: sources are counted by name on the themes, and two long names
        # cut alike would be counted as one.
        return Rejection(
            number,
            _("the source is longer than %(max)s characters (%(length)s)")
            % {"max": SIGNAL_SOURCE_MAX_LENGTH, "length": len(source)},
        )
    language = detect_language(text)
    masked = mask_texts(model=Signal, language=language, text=text)
    digest = (
        "u:" + hashlib.sha256(normalised_url(url).encode()).hexdigest()
        if url
        else "t:" + hashlib.sha256(normalised_text(masked["text"]).encode()).hexdigest()
    )
    return ParsedRow(
        text=masked["text"],
        masked_kinds=masked.kinds,
        language=language,
        posted_at=posted_at,
        source=source,
        author_key=author_key(handle),
        url=url,
        dedupe_key=digest,
    )


@dataclass(frozen=True)
class Preview:
    header: list[str]
    rows: list[list[str]]
    guesses: dict[str, str]


_GUESSES = {
    "text": (
        "text",
        "texte",
        "message",
        "content",
        "contenu",
        "body",
        "verbatim",
        "comment",
        "commentaire",
        "description",
        "post",
        "tweet",
        "answer",
        "réponse",
    ),
    "date": (
        "date",
        "created",
        "created_at",
        "posted",
        "published",
        "timestamp",
        "time",
        "créé le",
        "date de création",
        "opened",
        "submitted",
    ),
    "source": (
        "source",
        "channel",
        "canal",
        "network",
        "réseau",
        "platform",
        "plateforme",
        "origin",
        "origine",
    ),
    "author": (
        "author",
        "auteur",
        "handle",
        "user",
        "username",
        "screen_name",
        "pseudo",
        "from",
        "requester",
        "demandeur",
    ),
    "url": ("url", "link", "lien", "permalink", "address", "adresse"),
}


def guess_mapping(header: list[str]) -> dict[str, str]:
    """A likely column for each field, from its name (exact words first, then parts)."""
    folded = [(name, name.casefold().strip()) for name in header]
    chosen: dict[str, str] = {}
    for name, words in _GUESSES.items():
        exact = [column for column, key in folded if key in words]
        partial = [column for column, key in folded if any(w in key for w in words)]
        for column in exact + partial:
            if column not in chosen.values():
                chosen[name] = column
                break
    return chosen


def preview(chunks: Iterable[bytes], *, encoding: str, rows: int = 5) -> Preview:
    """The header, the first rows and guessed columns, for the form's second step."""
    header, body = csv_rows(decoded_lines(chunks, encoding=encoding, on_nul=lambda _n: None))
    first = []
    for _number, cells in body:
        first.append(cells)
        if len(first) >= rows:
            break
    return Preview(header=header, rows=first, guesses=guess_mapping(header))
