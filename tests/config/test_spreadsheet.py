"""Cells a spreadsheet would run as formulas are made text; every other cell is left alone."""

import pytest

from config.spreadsheet import safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 1 23", "'+33 1 23"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Card freeze", "Card freeze"),
        ("", ""),  # an empty cell stays empty
        (-3, -3),  # numbers are numbers, even negative ones
        (0.5, 0.5),
        (None, None),
    ],
)
def test_safe_cell(value: object, cell: object) -> None:
    assert safe_cell(value) == cell
