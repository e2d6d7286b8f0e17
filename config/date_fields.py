"""Date and date-time fields written in the page's language, not the browser's.

`<input type="date">` shows and reads dates in the browser's own locale (mm/dd/yyyy in an
American Chromium on a French page) and its messages ("Please fill out this field") in the
browser's language too. These fields are plain text inputs instead: the value is written in the
first of the active language's input formats (31/12/2026 in French, 2026-12-31 in English, as
Django reads them), the field's help says which, with an example, and a wrong value gets a
server-side error in the page's language naming the format again. ISO dates are always accepted.
The help is linked to the input by `aria-describedby` (Django adds it; `templates/_field.html`
gives the help its id)."""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext

EXAMPLE = datetime(2026, 12, 31, 14, 30)
# Years a person may mean. Beyond them a date is a typing slip, and year 1 does harm: moved to
# UTC from a time zone east of it, 0001-01-01 00:00 falls before year 1, which PostgreSQL
# stores and no Python datetime can read back (every page listing the row failed).
FIRST_YEAR, LAST_YEAR = 1900, 9998


def _date_format() -> str:
    return str(formats.get_format("DATE_INPUT_FORMATS")[0])


def _datetime_format() -> str:
    # The date as in a date field, then hours and minutes (every language reads "%H:%M" after it).
    return f"{_date_format()} %H:%M"


def _pattern_words(pattern: str) -> str:
    """ "%d/%m/%Y" -> "DD/MM/YYYY" in the active language ("JJ/MM/AAAA" in French)."""
    words = {
        "%d": gettext("DD"),
        "%m": gettext("MM"),
        "%Y": gettext("YYYY"),
        "%H": gettext("hh"),
        "%M": gettext("mm"),
    }
    for code, word in words.items():
        pattern = pattern.replace(code, word)
    return pattern


def _hint(pattern: str) -> str:
    return gettext("Format: %(format)s, for example %(example)s") % {
        "format": _pattern_words(pattern),
        "example": EXAMPLE.strftime(pattern),
    }


def _invalid(pattern: str) -> str:
    return gettext("Enter the date as %(format)s, for example %(example)s.") % {
        "format": _pattern_words(pattern),
        "example": EXAMPLE.strftime(pattern),
    }


def _date_hint() -> str:
    return _hint(_date_format())


def _datetime_hint() -> str:
    return _hint(_datetime_format())


def _date_invalid() -> str:
    return _invalid(_date_format())


def _datetime_invalid() -> str:
    return _invalid(_datetime_format())


date_hint = lazy(_date_hint, str)
datetime_hint = lazy(_datetime_hint, str)
date_invalid = lazy(_date_invalid, str)
datetime_invalid = lazy(_datetime_invalid, str)


def _with_hint(help_text: Any, hint: Any) -> Any:
    if not help_text:
        return hint
    return lazy(lambda: f"{help_text} {hint}", str)()


class DateTextInput(forms.DateInput):
    """A text input holding a date in the active language's first input format."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "numeric", "autocomplete": "off", "size": "12", "spellcheck": "false"}
        super().__init__(attrs={**base, **(attrs or {})})


class DateTimeTextInput(forms.DateTimeInput):
    """A text input holding a date and a time (hours and minutes) in the active language."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"autocomplete": "off", "size": "18", "spellcheck": "false"}
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            return formats.localize_input(value, _datetime_format())
        return super().format_value(value)  # type: ignore[no-any-return]


def _check_year(value: Any) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            gettext("Enter a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )


class LocalDateField(forms.DateField):
    widget = DateTextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs["help_text"] = _with_hint(kwargs.get("help_text"), date_hint())
        super().__init__(**kwargs)
        self.error_messages["invalid"] = date_invalid()
        self.validators.append(_check_year)


class LocalDateTimeField(forms.DateTimeField):
    widget = DateTimeTextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs["help_text"] = _with_hint(kwargs.get("help_text"), datetime_hint())
        super().__init__(**kwargs)
        self.error_messages["invalid"] = datetime_invalid()
        self.validators.append(_check_year)
