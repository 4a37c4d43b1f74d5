"""Dates as articles and knowledge bases give them: ISO 8601 days, or a month or a year alone."""

from __future__ import annotations

import re
from datetime import date

_ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_day(value: str | None) -> date | None:
    """The day of an ISO-like date ('2023-08-04', '2023-08-04T10:00:00Z', '2023-08', '2023'), else None.

    A month or a year alone stands for its last day, so that "2021" is not taken as before 2021-02-18.
    """
    if not value:
        return None
    found = _ISO_DATE.match(value)
    if not found:
        return None
    year, month, day = int(found.group(1)), found.group(2), found.group(3)
    try:
        if month is None:
            return date(year, 12, 31)
        if day is None:
            following = date(year + int(month) // 12, int(month) % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(year, int(month), int(day))
    except ValueError:
        return None
