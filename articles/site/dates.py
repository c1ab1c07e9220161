"""The date patterns the source files name (``date_format``: moment.js style), as the templates show them."""

import datetime
import re

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Longest tokens first, so "MMMM" is not read as "MM" twice.
_DATE_TOKEN = re.compile(r"\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd")
_DATE_FIELDS = {
    "YYYY": lambda d: f"{d.year:04d}",
    "YY": lambda d: f"{d.year % 100:02d}",
    "MMMM": lambda d: _MONTHS[d.month - 1],
    "MMM": lambda d: _MONTHS[d.month - 1][:3],
    "MM": lambda d: f"{d.month:02d}",
    "M": lambda d: str(d.month),
    "Do": lambda d: _ordinal(d.day),
    "DD": lambda d: f"{d.day:02d}",
    "D": lambda d: str(d.day),
    "dddd": lambda d: _WEEKDAYS[d.weekday()],
    "ddd": lambda d: _WEEKDAYS[d.weekday()][:3],
}


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def format_date(value: datetime.date, pattern: str) -> str:
    """Format `value` with a moment.js-style pattern ("MMM DD, YYYY" -> "Dec 25, 2024"), in English."""

    def replace(match: re.Match) -> str:
        literal = match.group(1)
        return literal if literal is not None else _DATE_FIELDS[match.group(0)](value)

    return _DATE_TOKEN.sub(replace, pattern)
