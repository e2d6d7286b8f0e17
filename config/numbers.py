"""Numbers read from a query string, a form or the environment."""

import re

# Up to 18 digits: every such number fits PostgreSQL's bigint (a larger id is a database error,
# not "no such row").
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(text: str | None) -> int | None:
    """`text` as a whole number when it is one, written in ASCII digits, else None.

    Not `str.isdigit()`: it is true of "²", which `int()` then refuses (a 500 where a bad value
    should be ignored or named)."""
    if text is None or not _WHOLE_NUMBER.fullmatch(text):
        return None
    return int(text)
