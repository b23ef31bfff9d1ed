"""Dates of the plan against each other: deadlines before the plan is issued or after its period, target years
outside the period (explicit aims only: "phấn đấu đến cuối năm 2026 …"; a past year that describes where things
stand, "kết quả rà soát cuối năm 2021 … có", is a baseline), two deadlines for one duty that contradict, and the
plan's own date written differently in its appendix caption.

Deadlines come from the extracted Plan (``Plan.deadlines``) when the extractor found any, else from the text
("trước ngày 31/01/2024", "chậm nhất ngày …", "trong quý I năm 2024", "trong tháng 5/2025"), so the rules do
not wait on extraction. A deadline in a window ("trong quý I năm 2024") is taken at the window's end.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import lru_cache

import regex

from kehoach.pipeline.checks.citations import after, issue_date
from kehoach.pipeline.checks.registry import CheckContext, config, rule
from kehoach.pipeline.dates import date_at, find_dates
from kehoach.pipeline.reference import name_key
from kehoach.schemas.plan import PartialDate

_BEFORE = regex.compile(
    r"(?<!\p{L})(?:trước|chậm\s+nhất(?:\s+(?:là|vào))?|hạn\s+(?:chót|cuối)(?:\s+là)?|không\s+quá|hoàn\s+thành\s+trong)\s+(?=ngày|\d|tháng)",
    regex.I)
_QUARTER = regex.compile(r"(?<!\p{L})trong\s+quý\s+(?P<q>IV|I{1,3}|[1-4])\s*(?:năm\s+|/\s*)(?P<year>(?:19|20)\d{2})(?!\d)", regex.I)
_MONTH = regex.compile(r"(?<!\p{L})trong\s+tháng\s+(?P<month>\d{1,2})\s*(?:năm\s+|/\s*)(?P<year>(?:19|20)\d{2})(?!\d)", regex.I)
# Used with .match(text, pos): no "^", which the regex module matches only at the real start of the text.
_RECURRING = regex.compile(r"\s*(?:hằng|hàng)\s+(?:tháng|quý|năm)|\s*của\s+tháng", regex.I)
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_OBJECT = regex.compile(
    r"(?<!\p{L})(?P<noun>kế\s+hoạch|báo\s+cáo|danh\s+sách|phương\s+án|dự\s+toán|đề\s+án)(?P<rest>[^;]{0,100}?)"
    r"năm\s+(?P<year>(?:19|20)\d{2})", regex.I)
_PREPARE = regex.compile(r"(?<!\p{L})(?:xây\s+dựng|ban\s+hành|lập|phê\s+duyệt|hoàn\s+thiện|hoàn\s+thành)(?!\p{L})", regex.I)
_SUBMIT = regex.compile(r"(?<!\p{L})(?:gửi|nộp|trình)(?!\p{L})", regex.I)
_OTHER_ACTOR = regex.compile(r"(?<!\p{L})(?:chỉ\s+đạo|hướng\s+dẫn|đôn\s+đốc|yêu\s+cầu|giao)\s+(?:cho\s+)?(?:UBND|Ủy\s+ban|các|phòng|cấp)",
                             regex.I)
_PAST = regex.compile(r"(?<!\p{L})đã\s+(?:\p{L}+\s+){0,3}?(?:hoàn\s+thành|thực\s+hiện|triển\s+khai|tổ\s+chức)", regex.I)
_PAST_SECTIONS = ["kết quả", "đánh giá", "tình hình", "thực trạng"]
_STOPWORDS = {"trong", "về", "trước", "gửi", "cho", "và", "để", "theo", "tại", "chậm", "hoàn", "năm"}
_CAPTION = regex.compile(
    r"kèm\s+theo\s+(?P<kind>kế\s+hoạch|quyết\s+định)\s+số\s*:?\s*(?P<symbol>[^\s,;()]*?/[^\s,;()]+)\s*(?:,\s*)?", regex.I)
_YEAR_RANGE_BEFORE = regex.compile(r"(?:19|20)\d{2}\s*[-–]\s*$")  # "2021 - " before a year
_YEAR_RANGE_AFTER = regex.compile(r"\s*[-–]\s*(?:19|20)\d{2}")  # " - 2025" after a year
_HEADING_END = regex.compile(r":|\n\s*[-+•]")
_HEADING_NUMBER = regex.compile(r"^\s*[\dIVXa-zđ.)]+\s*")
_NOT_WORD = regex.compile(r"[^\p{L}\d ]+")
_OWNER = regex.compile(r"\s*của\s+((?:\p{L}+\s*){1,3})")  # "… của địa phương"
_NUMBER_SLASH_SYMBOL = regex.compile(r"(?P<num>\d*)\s*/\s*(?P<sym>[^\s|,]+)")
_SPACES = regex.compile(r"\s+")
_BLANK_NUMBER = regex.compile(r"[\s.…_]+")


@dataclass
class TextDeadline:
    date: PartialDate  # the last day by which it is due
    start: int  # the clause that states it
    end: int
    deadline_start: int  # the deadline words ("trước ngày 31/01/2024")


def _month_end(year: int, month: int) -> PartialDate:
    return PartialDate(year=year, month=month, day=calendar.monthrange(year, month)[1])


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause a deadline belongs to: after the previous ";", ".", ":" or list marker."""
    cut = max(text.rfind(";", 0, pos), text.rfind(". ", 0, pos), text.rfind(":", 0, pos), text.rfind("\n-", 0, pos),
              text.rfind("\n+", 0, pos), text.rfind("\n\n", 0, pos))
    start = cut + 1 if cut >= 0 else 0
    while start < pos and text[start] in " \t\n-+.:":
        start += 1
    return start


def text_deadlines(text: str, lo: int = 0, hi: int | None = None) -> list[TextDeadline]:
    """Deadlines written in ``text[lo:hi]``: "trước ngày 28/02/2024", "trong quý I năm 2024", "trong tháng 5/2025"."""
    hi = len(text) if hi is None else hi
    out: list[TextDeadline] = []
    for m in _BEFORE.finditer(text, lo, hi):
        d = date_at(text, m.end(), hi)
        if d is None or d.date.year is None or _RECURRING.match(text, d.end):
            continue
        date = d.date
        if date.day is None and date.month is not None:
            date = _month_end(date.year, date.month) if d.style == "month_year" else date
        out.append(TextDeadline(date, _clause_start(text, m.start()), d.end, m.start()))
    for m in _QUARTER.finditer(text, lo, hi):
        q, year = _QUARTERS[m.group("q").upper()], int(m.group("year"))
        out.append(TextDeadline(_month_end(year, 3 * q), _clause_start(text, m.start()), m.end(), m.start()))
    for m in _MONTH.finditer(text, lo, hi):
        month, year = int(m.group("month")), int(m.group("year"))
        if 1 <= month <= 12:
            out.append(TextDeadline(_month_end(year, month), _clause_start(text, m.start()), m.end(), m.start()))
    return sorted(out, key=lambda d: d.deadline_start)


@lru_cache(maxsize=32)
def _any_of(words: tuple[str, ...]) -> regex.Pattern:
    """Any of the configured patterns, case-insensitive."""
    return regex.compile("|".join(words), regex.I)


def _deadlines(ctx: CheckContext) -> list[TextDeadline]:
    """The plan's deadlines: extracted ones with their spans, else those read from the text. Deadlines inside
    citations of other documents and in the preamble are not the plan's own. Read once per run."""
    return ctx.shared("deadlines", lambda: _read_deadlines(ctx))


def _read_deadlines(ctx: CheckContext) -> list[TextDeadline]:
    text = ctx.document.text
    found: list[TextDeadline] = []
    for d in ctx.plan.deadlines:
        if d.recurring or d.span is None or d.date.year is None:
            continue
        date = d.date
        if date.day is None and date.month is not None:
            date = _month_end(date.year, date.month)
        found.append(TextDeadline(date, _clause_start(text, d.span.start), d.span.end, d.span.start))
    if not found:
        body = ctx.structure.body
        lo = body.start if body else 0
        hi = ctx.structure.closing.recipients.start if ctx.structure.closing.recipients else len(text)
        found = text_deadlines(text, lo, hi)
    cited = [(m.start, m.end) for ref in ctx.plan.all_refs() for m in ref.mentions]
    shared = config().get("deadlines", {})
    past_sections = _any_of(tuple(shared.get("past_sections", _PAST_SECTIONS)))
    out = []
    for d in found:
        if any(a <= d.deadline_start < b for a, b in cited) or _PAST.search(text, d.start, d.deadline_start):
            continue  # a citation's own date, or what was done ("đã hoàn thành trước ngày …")
        top = ctx.structure.section_at(d.deadline_start)
        if top and past_sections.search(top[0].title):
            continue  # the review of last year's results
        out.append(d)
    return out


def _fmt(d: PartialDate) -> str:
    parts = [f"{d.day:02d}" if d.day else None, f"{d.month:02d}" if d.month else None, str(d.year)]
    return "/".join(p for p in parts if p)


def _quote(ctx: CheckContext, d: TextDeadline) -> str:
    return " ".join(ctx.text(d.start, d.end).split())


@rule("deadline_before_issue", "error",
      "Thời hạn \"{quote}\" (dòng {line}) trước ngày ban hành kế hoạch ({issued}).",
      "The deadline \"{quote}\" (line {line}) falls before the plan is issued ({issued}).")
def deadline_before_issue(ctx: CheckContext):
    issued = issue_date(ctx)
    if issued is None or issued.year is None or issued.month is None:
        return
    for d in _deadlines(ctx):
        if after(issued, d.date):
            span = ctx.span(d.start, d.end)
            yield [span], {"quote": _quote(ctx, d), "line": span.line, "issued": _fmt(issued),
                           "deadline": d.date.iso()}


@rule("deadline_outside_period", "warning",
      "Thời hạn \"{quote}\" (dòng {line}) ngoài kỳ kế hoạch {period}.",
      "The deadline \"{quote}\" (line {line}) falls outside the plan's period {period}.")
def deadline_outside_period(ctx: CheckContext):
    period = ctx.plan.period
    if not period.end_year:
        return
    grace = int(ctx.config.get("grace_months", 3))
    limit = (period.end_year + 1, grace)  # reports on the last year are due early in the next one
    for d in _deadlines(ctx):
        if (d.date.year, d.date.month or 12) > limit:
            span = ctx.span(d.start, d.end)
            label = str(period.start_year) if period.start_year == period.end_year else f"{period.start_year} - {period.end_year}"
            yield [span], {"quote": _quote(ctx, d), "line": span.line, "period": label, "deadline": d.date.iso()}


def _alternation(words: list[str]) -> str:
    return "|".join(r"\s+".join(map(regex.escape, w.split())) for w in sorted(words, key=len, reverse=True))


def _target_clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause a target is stated in: from the previous ";", sentence end or line start to the next one."""
    lo = max(text.rfind("\n", 0, start), text.rfind(";", 0, start), text.rfind(". ", 0, start)) + 1
    stops = [i for i in (text.find("\n", end), text.find(";", end), text.find(". ", end)) if i != -1]
    hi = min(stops) if stops else len(text)
    return lo, max(hi, end)


@lru_cache(maxsize=32)
def _aim_grammar(aim_words: tuple[str, ...], aim_verbs: tuple[str, ...], baseline_words: tuple[str, ...],
                 reach_words: tuple[str, ...]) -> tuple[regex.Pattern, regex.Pattern, regex.Pattern, regex.Pattern]:
    """(strong aim words, verbs of reaching, baseline words, a time to reach before a year), compiled once."""
    strong = regex.compile(rf"(?<!\p{{L}})(?:{_alternation(list(aim_words))})(?!\p{{L}})", regex.I)
    verbs = regex.compile(rf"(?<!\p{{L}})(?:{_alternation(list(aim_verbs))})(?!\p{{L}})", regex.I)
    baseline = regex.compile(rf"(?<!\p{{L}})(?:{_alternation(list(baseline_words))})(?!\p{{L}})", regex.I)
    reach = regex.compile(rf"(?<!\p{{L}})(?:{_alternation(list(reach_words))})\s+"
                          r"(?:hết\s+)?(?:cuối\s+|đầu\s+|giữa\s+)?(?:năm\s+|(?:ngày\s+)?\d{1,2}\s*/\s*\d{1,2}\s*/\s*)$",
                          regex.I)
    return strong, verbs, baseline, reach


@lru_cache(maxsize=256)
def _year_pattern(year: int) -> regex.Pattern:
    """The year as a whole number ("2026", not in "20261")."""
    return regex.compile(rf"(?<!\d){year}(?!\d)")


def target_year_kind(text: str, lo: int, hi: int, year: int, future: bool, conf: dict) -> str | None:
    """Whether the clause ``text[lo:hi]`` sets an aim for ``year`` ("aim"), states where things stand in that
    year ("baseline"), or neither (None).

    An aim is explicit: "phấn đấu", "mục tiêu", or the year introduced as a time to reach ("đến năm 2026",
    "vào cuối năm 2026") with a verb of reaching ("giảm còn", "còn dưới", "đạt"). A state is a baseline:
    "kết quả rà soát cuối năm 2021 … có", "tính đến 31/12/2022 đạt", "năm 2023 còn 5 hộ". A year before the
    plan needs the strong words and a time to reach: a report of last year's results reads just like an aim
    ("tỷ lệ hộ nghèo giảm còn 3,5% vào cuối năm 2021")."""
    clause = text[lo:hi]
    strong, verbs, baseline, reach = _aim_grammar(
        tuple(conf.get("aim_words", ["phấn đấu", "mục tiêu"])), tuple(conf.get("aim_verbs", ["giảm còn", "còn dưới", "đạt"])),
        tuple(conf.get("baseline_words", ["kết quả", "rà soát", "có", "đã"])),
        tuple(conf.get("reach_words", ["đến", "vào", "hết", "tới"])))
    # a year inside a range ("giai đoạn 2021 - 2025") is the span of a programme, not the target's year
    years = [m for m in _year_pattern(year).finditer(clause)
             if not _YEAR_RANGE_BEFORE.search(clause[max(0, m.start() - 8):m.start()])
             and not _YEAR_RANGE_AFTER.match(clause[m.end():m.end() + 8])]
    if not years:
        return None
    reached = any(reach.search(clause[max(0, m.start() - 30):m.start()]) for m in years)
    if strong.search(clause) and (reached or future):
        return "aim"
    if baseline.search(clause):
        return "baseline"
    if future and (reached or verbs.search(clause)):
        return "aim"
    return None


@rule("target_year_outside_period", "warning",
      "Chỉ tiêu \"{quote}\" (dòng {line}) đặt cho năm {year}, ngoài kỳ kế hoạch {period}.",
      "The target \"{quote}\" (line {line}) is set for {year}, outside the plan's period {period}.")
def target_year_outside_period(ctx: CheckContext):
    """Only explicit aims count: a year outside the period that describes a state (a baseline, last year's
    result) is no target of the plan whatever the extractor took it for."""
    period = ctx.plan.period
    if not (period.start_year and period.end_year):
        return
    text = ctx.document.text
    orientation = _any_of(tuple(ctx.config.get("orientation_words", ["định hướng", "tầm nhìn"])))
    label = str(period.start_year) if period.start_year == period.end_year else f"{period.start_year} - {period.end_year}"
    reported: set[tuple[int, int]] = set()
    columns: dict[tuple[int, str], list] = {}
    for t in ctx.plan.targets:
        if t.year is None or t.span is None or period.start_year <= t.year <= period.end_year:
            continue
        line_start = text.rfind("\n", 0, t.span.start) + 1
        line_end = text.find("\n", t.span.end)
        if orientation.search(text, line_start, line_end if line_end != -1 else len(text)):
            continue
        future = t.year > period.end_year
        if t.table is not None:  # a table cell: its column header says whether it is an aim ("Chỉ tiêu năm 2026")
            conf = {**ctx.config, "aim_words": ctx.config.get("table_aim_words", ["chỉ tiêu", "phấn đấu", "mục tiêu"])}
            if target_year_kind(t.indicator, 0, len(t.indicator), t.year, future, conf) == "aim":
                columns.setdefault((t.table, t.indicator), []).append(t)
            continue
        lo, hi = _target_clause(text, t.span.start, t.span.end)
        if target_year_kind(text, lo, hi, t.year, future, ctx.config) != "aim":
            continue
        if (lo, hi) in reported:
            continue
        reported.add((lo, hi))
        while lo < hi and text[lo] in " \t-+•*":
            lo += 1
        while hi > lo and text[hi - 1] in " \t.;":
            hi -= 1
        span = ctx.span(lo, hi)
        yield [span], {"quote": " ".join((span.text or "").split()), "line": span.line, "year": t.year,
                       "period": label}
    for (index, header), cells in columns.items():  # one finding per table column: its header and its cells
        table = ctx.document.tables[index] if index < len(ctx.document.tables) else None
        head = next((c for c in (table.cells if table else []) if c.start < cells[0].span.start
                     and str(cells[0].year) in c.text), None)
        spans = ([ctx.span(head.start, head.end)] if head else []) + [
            ctx.span(t.span.start, t.span.end) for t in cells[: int(ctx.config.get("max_evidence", 4))]]
        yield spans, {"quote": " ".join(header.split()), "line": spans[0].line, "year": cells[0].year,
                      "period": label}


def _actor(ctx: CheckContext, pos: int) -> str | None:
    """The body a deadline is given to: the innermost numbered section whose heading names a body."""
    text = ctx.document.text
    for section in reversed(ctx.structure.section_at(pos)):
        if section.kind.value in ("dash", "plus", "bullet"):
            continue
        head = text[section.heading.start:min(section.end, section.heading.start + 160)]
        head = _HEADING_END.split(head, maxsplit=1)[0]
        head = _HEADING_NUMBER.sub("", head)
        key = name_key(head).replace("ủy ban nhân dân", "ubnd")
        key = _NOT_WORD.sub(" ", key)
        key = " ".join(key.split())
        if key.startswith(("ubnd", "phòng", "sở", "ban", "công chức", "trung tâm", "đề nghị", "các")):
            return key
    return None


def _object(text: str, clause_start: int, deadline_start: int, subkinds: list[str]) -> tuple[str, int, str] | None:
    """((noun, kind of it, owner), year, verb class) of the document a deadline is about: "xây dựng Kế hoạch …
    năm 2024 của địa phương" → (("kế hoạch", "", "địa phương"), 2024, "prepare"); "kế hoạch vốn năm 2025" is
    another document than "kế hoạch năm 2025"."""
    clause = text[clause_start:deadline_start]
    m = None
    for m in _OBJECT.finditer(clause):
        pass
    if m is None:
        return None
    verbs = [(v.start(), "submit") for v in _SUBMIT.finditer(clause)] + [(v.start(), "prepare") for v in _PREPARE.finditer(clause)]
    if not verbs:
        return None
    _, verb = max(verbs)
    rest = name_key(m.group("rest"))
    kind = next((k for k in subkinds if rest.startswith(k)), "")
    owner = _OWNER.match(clause[m.end():])
    owner_words = owner.group(1).casefold().split() if owner else []
    stop = next((i for i, w in enumerate(owner_words) if w in _STOPWORDS), len(owner_words))
    owner_key = " ".join(owner_words[:stop])
    noun = " ".join(m.group("noun").casefold().split())
    return f"{noun}|{kind}|{owner_key}", int(m.group("year")), verb


@rule("deadline_conflict", "warning",
      "Hai thời hạn cho cùng một việc không khớp nhau: \"{first}\" (dòng {line_a}) và \"{second}\" (dòng {line_b}).",
      "Two deadlines for one duty contradict: \"{first}\" (line {line_a}) and \"{second}\" (line {line_b}).")
def deadline_conflict(ctx: CheckContext):
    text = ctx.document.text
    subkinds = [name_key(k) for k in ctx.config.get("subkinds", ["vốn", "đầu tư", "kiểm tra", "giám sát"])]
    duties: dict[tuple, list[tuple[TextDeadline, str]]] = {}
    for d in _deadlines(ctx):
        clause = text[d.start:d.deadline_start]
        if _OTHER_ACTOR.search(clause):
            continue  # "chỉ đạo UBND cấp xã xây dựng …": another body's duty
        obj = _object(text, d.start, d.deadline_start, subkinds)
        actor = _actor(ctx, d.start)
        if obj is None or actor is None:
            continue
        duties.setdefault((actor, obj[0], obj[1]), []).append((d, obj[2]))
    for items in duties.values():
        reported = False
        for i, (a, kind_a) in enumerate(items):
            for b, kind_b in items[i + 1:]:
                if reported or a.date.iso() == b.date.iso():
                    continue
                prepare = [x for x, k in ((a, kind_a), (b, kind_b)) if k == "prepare"]
                submit = [x for x, k in ((a, kind_a), (b, kind_b)) if k == "submit"]
                clash = (kind_a == kind_b) or (prepare and submit and after(prepare[0].date, submit[0].date))
                if not clash:
                    continue
                sa, sb = ctx.span(a.start, a.end), ctx.span(b.start, b.end)
                yield [sa, sb], {"first": _quote(ctx, a), "second": _quote(ctx, b), "line_a": sa.line,
                                 "line_b": sb.line, "dates": [a.date.iso(), b.date.iso()]}
                reported = True


def _own_symbol_suffix(ctx: CheckContext) -> tuple[str | None, str | None]:
    """(number, symbol after the number) of the plan's header number line: ("3456", "KH-UBND"), (None, "KH-UBND")."""
    region = ctx.structure.header.number_line
    if region is None:
        return None, None
    m = _NUMBER_SLASH_SYMBOL.search(ctx.text(region.start, region.end))
    if not m:
        return None, None
    return (m.group("num") or None), _SPACES.sub("", m.group("sym")).casefold()


def own_captions(ctx: CheckContext):
    """Captions that cite the plan itself ("Kèm theo Kế hoạch số: /KH-UBND ngày 22 /02/2024"), outside the header."""
    number, suffix = _own_symbol_suffix(ctx)
    if suffix is None:
        return
    header_end = ctx.structure.header.place_date.end if ctx.structure.header.place_date else 0
    text = ctx.document.text
    for m in _CAPTION.finditer(text, header_end):
        num, _, sym = m.group("symbol").partition("/")
        num = _BLANK_NUMBER.sub("", num) or None
        if _SPACES.sub("", sym).casefold() != suffix or (num and number and num != number):
            continue
        d = date_at(text, m.end()) or next(iter(find_dates(text, m.end(), min(len(text), m.end() + 40))), None)
        yield m, num, d


@rule("date_conflict", "warning",
      "Phụ lục ghi \"{quote}\" (dòng {line}) nhưng đầu văn bản ghi ngày ban hành \"{header}\".",
      "The appendix caption says \"{quote}\" (line {line}) but the header gives the date of issue as \"{header}\".")
def date_conflict(ctx: CheckContext):
    region = ctx.structure.header.place_date
    if region is None:
        return
    header_dates = find_dates(ctx.document.text, region.start, region.end)
    header = header_dates[0].date if header_dates else None
    header_text = " ".join(ctx.text(region.start, region.end).split())
    for m, _, d in own_captions(ctx):
        if d is None or not d.complete:
            continue
        if header is not None and header.iso() == d.iso:
            continue
        span = ctx.span(m.start(), d.end)
        yield [span, ctx.span(region.start, region.end)], {"quote": " ".join((span.text or "").split()),
                                                            "line": span.line, "header": header_text}
