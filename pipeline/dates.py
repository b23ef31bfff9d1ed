"""Vietnamese dates as written in administrative documents, parsed into PartialDate with their offsets.

Both styles are common and often mixed in one plan: numeric ("27/01/2021", "27-01-2021", "27/1/2021",
"22 /02/2024") and in words ("ngày 05 tháng 3 năm 2024", wrapped over lines in flattened layouts). Drafts
leave day or month blank ("ngày  tháng 5 năm 2022", "ngày …/…/2024"): the blank parts become null rather
than the whole date being lost, because a blank is itself something a check reports. Month-year forms
("tháng 9/2023", "tháng 7 năm 2023") give a PartialDate without a day.

The patterns are exported so that other extractors (legal references, deadlines) can compose them into
their own grammars and attach a date to the citation or task it sits next to.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from kehoach.schemas.plan import PartialDate

_BLANK = r"[ \t._…\-]*"  # what a draft leaves where a day or month should be
_D = r"(?P<day>\d{1,2})"
_M = r"(?P<month>\d{1,2})"
_Y = r"(?P<year>(?:19|20)\d{2})"

#: "ngày 05 tháng 3 năm 2024", "ngày  tháng 5 năm 2022", "ngày 21\ntháng 10 năm 2021".
WORDS = (
    rf"(?<!\p{{L}})ngày\s*{_D}?{_BLANK}\s*tháng\s*{_M}?{_BLANK}\s*năm\s+{_Y}(?!\d)"
)
#: "27/01/2021", "27-01-2021", "27.01.2021", "22 /02/2024"; the separators must agree.
NUMERIC = rf"(?:(?<!\p{{L}})ngày\s*)?(?<![\d/.\-])(?P<day>\d{{1,2}})\s?(?P<sep>[/.\-])\s?(?P<month>\d{{1,2}})\s?(?P=sep)\s?{_Y}(?![\d/])"
#: "ngày …/…/2024", "ngày   /5/2022": a numeric date with blank parts, only after "ngày".
NUMERIC_BLANK = (
    r"(?<!\p{L})ngày\s*(?P<day>\d{1,2})?[ \t._…]*/[ \t._…]*(?P<month>\d{1,2})?[ \t._…]*/\s?"
    r"(?P<year>(?:19|20)\d{2})(?![\d/])"
)
#: "tháng 9/2023", "tháng 7 năm 2023" (no day).
MONTH_YEAR = rf"(?<!\p{{L}})tháng\s+{_M}\s*(?:/|năm\s+){_Y}(?![\d/])"

_STYLES: list[tuple[str, regex.Pattern]] = [
    ("words", regex.compile(WORDS, regex.I)),
    ("numeric", regex.compile(NUMERIC_BLANK, regex.I)),
    ("numeric", regex.compile(NUMERIC)),
    ("month_year", regex.compile(MONTH_YEAR, regex.I)),
]


@dataclass(frozen=True)
class DateMatch:
    """A date found in text: its PartialDate and the character span it was read from."""

    date: PartialDate
    start: int
    end: int
    style: str

    @property
    def iso(self) -> str | None:
        return self.date.iso()

    @property
    def complete(self) -> bool:
        return self.date.iso() is not None


def _partial(m: regex.Match) -> PartialDate | None:
    """PartialDate from a match with day/month/year groups, or None when a present part is out of range."""
    groups = m.groupdict()
    day = int(groups["day"]) if groups.get("day") else None
    month = int(groups["month"]) if groups.get("month") else None
    year = int(m.group("year"))
    if (day is not None and not 1 <= day <= 31) or (month is not None and not 1 <= month <= 12):
        return None
    return PartialDate(year=year, month=month, day=day)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Every date in text[start:end], in reading order; where styles overlap the earliest, longest wins."""
    end = len(text) if end is None else end
    if text.find("19", start, end) == -1 and text.find("20", start, end) == -1:
        return []  # every style ends with a year 19xx or 20xx: none here (many callers ask about short clauses)
    found: list[DateMatch] = []
    for style, pattern in _STYLES:
        for m in pattern.finditer(text, start, end):
            date = _partial(m)
            if date is not None:
                found.append(DateMatch(date, m.start(), m.end(), style))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateMatch] = []
    for d in found:
        if out and d.start < out[-1].end:
            continue
        out.append(d)
    return out


def date_at(text: str, pos: int, end: int | None = None) -> DateMatch | None:
    """The date that starts exactly at ``pos`` (after optional spaces), if any."""
    end = len(text) if end is None else end
    i = pos
    while i < end and text[i] in " \t\n":
        i += 1
    for style, pattern in _STYLES:
        m = pattern.match(text, i, end)
        if m:
            date = _partial(m)
            if date is not None:
                return DateMatch(date, m.start(), m.end(), style)
    return None


def parse_date(text: str) -> PartialDate | None:
    """The first date in ``text`` ("ngày 27 tháng 01 năm 2021", "27/1/2021" …), or None."""
    found = find_dates(text)
    return found[0].date if found else None


def to_iso(date: PartialDate | None) -> str | None:
    """ISO "YYYY-MM-DD" for a full date; "YYYY-MM" or "YYYY" for a partial one; None for nothing."""
    if date is None or date.year is None:
        return None
    if date.month is None:
        return f"{date.year:04d}"
    if date.day is None:
        return f"{date.year:04d}-{date.month:02d}"
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
