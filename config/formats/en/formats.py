"""English for a European bank: no American month-first dates, which read the other way round to
most of its customers (12/03/2026 is 3 December or 12 March). Dates in words put the day first
("3 Dec 2026"), short dates are ISO (2026-12-03, as the forms take them, config.date_fields),
times on the 24-hour clock and weeks start on Monday. Only what differs from Django's "en"."""

DATE_FORMAT = "j M Y"  # 3 Dec 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 3 Dec 2026, 14:30
MONTH_DAY_FORMAT = "j F"  # 3 December
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-12-03
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-12-03 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# Read: ISO first (the format the fields show and name), then the day before a month in words.
# Django's month-first 12/03/2026 is not read: it would be taken for 3 December by some and
# saved as 12 March; the field's error names the format instead.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d %B %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M",
]
