"""Cells of the CSV files staff download, safe to open in a spreadsheet program.

A spreadsheet runs a cell that starts with one of FORMULA_STARTS as a formula, so a title such as
`=HYPERLINK(...)` typed by a member could run on a staff member's computer (CSV injection,
OWASP). Every export passes its text through `safe_cell`, which puts an apostrophe in front.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The first character of every export: spreadsheet programs then read the file as UTF-8 and
# show the accents right.
UTF8_MARK = "\ufeff"


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula, with an apostrophe in front; anything
    else (numbers, other text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Echo:
    """A file that hands back what is written to it: `csv.writer(Echo()).writerow(row)` returns
    the CSV line, for a response streamed line by line."""

    def write(self, value: str) -> str:
        return value
