"""Cross-level checks: each plan against every higher-level plan it implements, from the plan database.

The higher plans of a plan are the ones its references resolve to at a higher level (``store.graph``); when
none does, the plan of its district (then province) for a period that covers its own, from the
administrative hierarchy. For each such link:

- the number and date cited are the higher plan's (``citation_number_mismatch``, ``citation_date_mismatch``),
  and a plan linked only through the hierarchy is noted as not citing it (``higher_plan_not_cited``);
- the period fits inside the higher plan's (``period_outside_higher``);
- targets the higher plan assigns to this unit (a row of a per-unit table, or "giao UBND các xã …") are taken
  up (``target_not_taken_up``) with a value at least as demanding (``target_less_demanding``);
- projects the higher plan gives to this level are present (``project_missing``), and none is outside
  the programme catalogue (``project_outside_programme``, when a catalogue is available);
- the plan's deadline for a task the higher plan sets a deadline for is no later (``deadline_later_than_higher``),
  and reporting duties given to this unit are taken up (``reporting_not_taken_up``);
- units under a district or province with no plan for its period (``missing_submission``, on the higher
  plan): the units of the gazetteer that the higher plan's per-unit table gives targets to (all of them
  when it has no such table).

Every finding carries evidence in the lower plan (``evidence``) and in the higher plan (``related``, with
``related_source`` its file); a missing submission has only the higher plan, so its evidence is there.
"""

from __future__ import annotations

import inspect
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache

import regex
from rapidfuzz import fuzz
from sqlalchemy import Text, cast, delete, insert, select
from sqlalchemy.orm import Session

from kehoach.pipeline.store.graph import (
    LEVEL_RANK,
    PlanIndex,
    PlanInfo,
    fold,
    loose_key,
    parse_unit,
    plan_infos,
    split_body,
    symbol_key,
    type_level,
    types_in,
)
from kehoach.pipeline.store.models import DocumentRow, FindingRow, LegalRefRow, PlanRow, RunRow
from kehoach.schemas.plan import Deadline, Finding, LegalRef, PartialDate, Plan, Project, Span, Target

log = logging.getLogger(__name__)

# units_under(province, district) -> names of the units directly under it (with their type: "Xã Đăk Rong");
# a callable that also takes ``year=`` is given the first year of the higher plan's period.
UnitsUnder = Callable[..., list[str]]
Catalogue = Callable[[str | None], "set[tuple[int, int | None]] | None"]

INDICATOR_SIMILARITY = 60  # rapidfuzz token-set ratio for two target indicators to be the same measure
# rapidfuzz token-sort ratio for two deadlines' tasks to be the same task: stricter than a token-set ratio,
# which calls "build the plan and send it to the district" and "report results to the district" alike.
TASK_SIMILARITY = 70
_EPS = 1e-9

# "UBND các xã, thị trấn", "cấp xã", "từng xã": a target or task given to every unit of a level.
_GENERIC = regex.compile(r"^(?:tất cả các|các|cấp|mỗi|từng)\s+(?P<rest>.+)$")
# "toàn xã", "toàn huyện": the plan's own unit as a whole.
_WHOLE = regex.compile(r"^(?:trên địa bàn\s+)?toàn\s+(?P<rest>.+)$")
_PARTS = regex.compile(r"\s*(?:[,;]|\bvà\b)\s*")
# Inside a task: "chỉ đạo UBND cấp xã …", "hướng dẫn các xã …" name the level that acts (not "Xã hội").
_LEVEL_IN_TASK = regex.compile(r"(?<!\p{L})(?:cấp|các|từng|mỗi)\s+(?P<rest>\p{L}+(?:\s+\p{L}+)?)")


# --- who a text applies to --------------------------------------------------------------------------------


_loose = loose_key


def _type_fits(types: frozenset[str] | set[str], plan: PlanInfo) -> bool:
    own = fold(plan.unit_type).rstrip(".")
    if own and own in types:
        return True
    levels = {type_level(t) for t in types}
    return plan.level in levels or (None in levels and plan.level in ("huyen", "tinh"))


@lru_cache(maxsize=65536)
def _audience(text: str) -> tuple[frozenset[str] | None, tuple[tuple[str, str | None], ...]]:
    """Whom a higher plan's scope, lead or "who" text names: the unit types it gives to every unit of
    ("các xã, thị trấn" → {xã, thị trấn}), or else the units it names, as (folded name, level)."""
    s = split_body(text)
    generic = _GENERIC.match(s) if s else None
    if generic:
        return frozenset(types_in(generic.group("rest"))), ()
    names = []
    for part in _PARTS.split(s) if s else ():
        unit = parse_unit(part)
        if unit.name:
            names.append((unit.name, unit.level))
    return None, tuple(names)


def given_to(text: str | None, plan: PlanInfo) -> bool:
    """Whether a higher plan's scope, lead or "who" names this plan's unit, or every unit of its level."""
    types, names = _audience(text or "")
    if types is not None:
        return _type_fits(types, plan)
    own = _loose(plan.unit_key)
    return any(_loose(name) == own and (level is None or level == plan.level) for name, level in names)


class _Given:
    """Items of a higher plan (targets, projects …) by the units they are given to, built once per plan so
    that a district table of a thousand communes is not read again for every commune."""

    def __init__(self, items: list, text_of: Callable):
        self.named: dict[str, list] = defaultdict(list)
        self.generic: list = []
        for i, item in enumerate(items):
            types, names = _audience(text_of(item) or "")
            if types is not None:
                self.generic.append((i, types, item))
            for name, level in names:
                self.named[_loose(name)].append((i, level, item))

    def to(self, plan: PlanInfo) -> list:
        found = {
            i: item
            for i, level, item in self.named.get(_loose(plan.unit_key), ())
            if level is None or level == plan.level
        }
        found.update({i: item for i, types, item in self.generic if _type_fits(types, plan)})
        return [found[i] for i in sorted(found)]


class _Higher:
    """A higher plan prepared for checking many lower plans against it."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.targets = _Given(plan.targets, lambda t: t.scope)
        self.projects = _Given(plan.projects, lambda p: p.lead)
        self.deadlines = _Given(plan.deadlines, lambda d: d.who)
        self.duties = _Given([a for a in plan.assignments if a.role == "bao_cao"], lambda a: a.body)
        # Projects listed without a lead under the tasks of one body ("UBND các xã, thị trấn: - Dự án 1 …
        # - Dự án 8 …") are that body's: the section runs from its assignment to the next one.
        placed = sorted((a for a in plan.assignments if a.span), key=lambda a: a.span.start)
        sections = []
        for i, a in enumerate(placed):
            end = placed[i + 1].span.start if i + 1 < len(placed) else None
            listed = [
                p
                for p in plan.projects
                if p.lead is None and p.span and a.span.start <= p.span.start and (end is None or p.span.start < end)
            ]
            if listed:
                sections.append((a, listed))
        self.sections = _Given(sections, lambda section: section[0].body)
        self.tasks = _Given(plan.assignments, lambda a: a.body)

    def given_tasks(self, plan: PlanInfo) -> list:
        """The higher plan's assignments to this unit or its level ("Ủy ban nhân dân các xã, thị trấn")."""
        return self.tasks.to(plan)

    def projects_for(self, plan: PlanInfo) -> list[Project]:
        given = self.projects.to(plan)
        for _, listed in self.sections.to(plan):
            given += [p for p in listed if p not in given]
        return given


def own_scope(scope: str | None, plan: PlanInfo) -> bool:
    """Whether a target of the plan is for the plan's own unit (not a row for one of its sub-units)."""
    s = fold(scope)
    if not s or s == fold(plan.unit_type):
        return True
    whole = _WHOLE.match(s)
    if whole:
        return _type_fits(types_in(whole.group("rest")), plan)
    return _loose(parse_unit(s).name) == _loose(plan.unit_key)


# --- results ------------------------------------------------------------------------------------------


def _plan_dict(p: PlanInfo | None) -> dict | None:
    return None if p is None else p.as_dict()


@dataclass
class CrossFinding:
    """A finding with the plans it concerns: attached to ``plan`` (the lower plan, or the higher plan for a
    missing submission)."""

    finding: Finding
    plan: PlanInfo
    lower: PlanInfo | None
    higher: PlanInfo | None

    def as_dict(self) -> dict:
        f = self.finding
        return {
            "code": f.code,
            "severity": f.severity,
            "message": f.message,
            "message_en": f.message_en,
            "plan": _plan_dict(self.plan),
            "lower": _plan_dict(self.lower),
            "higher": _plan_dict(self.higher),
            "evidence": [s.model_dump(mode="json") for s in f.evidence],
            "related": [s.model_dump(mode="json") for s in f.related],
            "related_source": f.related_source,
            "data": f.data,
        }


@dataclass
class Link:
    """A lower plan implementing a higher one: through its references (ords into Plan.all_refs()), or
    inferred from the administrative hierarchy (no references)."""

    lower: PlanInfo
    higher: PlanInfo
    ref_ords: list[int] = field(default_factory=list)
    resolution: str = "hierarchy"
    confidence: float = 0.0


@dataclass
class CrossReport:
    findings: list[CrossFinding]
    links: list[Link]
    run_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for cf in self.findings:
            out[cf.finding.code] += 1
        return dict(out)


# --- links --------------------------------------------------------------------------------------------


def _period(p: PlanInfo) -> tuple[int, int] | None:
    if p.period_start is None and p.period_end is None:
        return None
    start = p.period_start if p.period_start is not None else p.period_end
    end = p.period_end if p.period_end is not None else p.period_start
    return start, end


def _is_plan(p: PlanInfo) -> bool:
    return p.doc_type in (None, "ke_hoach")


def _same_province(a: PlanInfo, b: PlanInfo) -> bool:
    """False only when both plans name their province and the names differ (two districts of one name)."""
    return not a.province_key or not b.province_key or loose_key(a.province_key) == loose_key(b.province_key)


def _hierarchy_higher(lower: PlanInfo, index: PlanIndex) -> PlanInfo | None:
    """The plan of the district (or province) above, for a period that covers (else overlaps) this one."""
    period = _period(lower)
    if period is None or not _is_plan(lower):
        return None
    steps = {"xa": [("huyen", lower.parent_key), ("tinh", lower.province_key)], "huyen": [("tinh", lower.province_key)]}
    for level, unit in steps.get(lower.level or "", []):
        if not unit:
            continue
        cands = [
            c
            for c in index.by_unit.get(loose_key(unit), ())
            if c.level == level and _is_plan(c) and _period(c) and _same_province(lower, c)
        ]
        covering = [c for c in cands if _period(c)[0] <= period[0] and period[1] <= _period(c)[1]]
        overlapping = [c for c in cands if _period(c)[0] <= period[1] and period[0] <= _period(c)[1]]
        for group in (covering, overlapping):
            if group:
                # The narrowest period, then the latest issued.
                return min(group, key=lambda c: (_period(c)[1] - _period(c)[0], -(c.issue_year or 0), -c.id))
    return None


def find_links(session: Session, index: PlanIndex) -> list[Link]:
    """Every (lower, higher) pair among the current plans."""
    rows = session.execute(
        select(
            LegalRefRow.plan_id,
            LegalRefRow.ord,
            LegalRefRow.resolved_plan_id,
            LegalRefRow.resolution,
            LegalRefRow.confidence,
        )
        .join(PlanRow, PlanRow.id == LegalRefRow.plan_id)
        .where(PlanRow.is_current.is_(True), LegalRefRow.resolved_plan_id.is_not(None))
        .order_by(LegalRefRow.plan_id, LegalRefRow.ord)
    )
    links: dict[tuple[int, int], Link] = {}
    for plan_id, ord_, resolved, resolution, confidence in rows:
        lower, higher = index.plans.get(plan_id), index.plans.get(resolved)
        if lower is None or higher is None or not (0 <= lower.rank < higher.rank):
            continue
        link = links.setdefault((lower.id, higher.id), Link(lower, higher, [], resolution, confidence))
        link.ref_ords.append(ord_)
        if confidence > link.confidence:
            link.resolution, link.confidence = resolution, confidence
    linked = {low for low, _ in links}
    for plan in index.plans.values():
        if plan.id not in linked:
            higher = _hierarchy_higher(plan, index)
            if higher is not None:
                links[(plan.id, higher.id)] = Link(plan, higher)
    return list(links.values())


# --- spans --------------------------------------------------------------------------------------------


def _anchor(plan: Plan, refs: Iterable[LegalRef] = ()) -> list[Span]:
    """Where a plan says what it implements (its citation of the higher plan), else its number or title:
    the evidence for something the plan leaves out."""
    for ref in refs:
        if ref.span:
            return [ref.span]
    for key in ("number", "symbol", "title", "doc_type"):
        if key in plan.evidence:
            return [plan.evidence[key]]
    for span in (plan.issuer.span, plan.period.span, plan.signer.span):
        if span:
            return [span]
    for items in (plan.all_refs(), plan.targets, plan.projects, plan.assignments, plan.deadlines):
        for item in items:
            if item.span:
                return [item.span]
    return []


def _spans(*candidates: Span | None) -> list[Span]:
    return [s for s in candidates if s is not None]


# --- the checks of one link ----------------------------------------------------------------------------


@dataclass
class _Link:
    """A link with both plans loaded."""

    info: Link
    lower: Plan
    prepared: _Higher

    @property
    def higher(self) -> Plan:
        return self.prepared.plan

    @property
    def refs(self) -> list[LegalRef]:
        all_refs = self.lower.all_refs()
        return [all_refs[i] for i in self.info.ref_ords if i < len(all_refs)]

    def finding(
        self, code: str, severity: str, message: str, message_en: str, evidence: list[Span], related: list[Span], **data
    ) -> Finding | None:
        evidence = evidence or _anchor(self.lower, self.refs)
        related = related or _anchor(self.higher)
        if not evidence:
            log.warning("%s: no span in %s to show as evidence", code, self.info.lower.source)
            return None
        return Finding(
            code=code,
            severity=severity,
            message=message,
            message_en=message_en,
            evidence=evidence,
            related=related,
            related_source=self.info.higher.source,
            data={
                "lower_plan_id": self.info.lower.id,
                "higher_plan_id": self.info.higher.id,
                "link": self.info.resolution,
                "link_confidence": self.info.confidence,
                **data,
            },
        )


def _higher_label(h: PlanInfo) -> str:
    number = f"{h.number}/{h.symbol}" if h.number else "(chưa số)"
    return f"Kế hoạch {number} của {h.issuer_name or h.unit}"


def check_citation(link: _Link) -> list[Finding | None]:
    h, hp = link.info.higher, link.higher
    out: list[Finding | None] = []
    if not link.info.ref_ords:
        return [
            link.finding(
                "higher_plan_not_cited",
                "info",
                f"Kế hoạch không viện dẫn {_higher_label(h)} của cấp trên (liên kết theo địa giới hành chính).",
                f"The plan does not cite the higher-level plan {h.number}/{h.symbol} of {h.unit}.",
                _anchor(link.lower),
                _spans(hp.evidence.get("number"), hp.evidence.get("title")),
            )
        ]
    for ref in link.refs:
        cited = list(dict.fromkeys(_spans(ref.span, *ref.mentions)))
        if ref.number and h.symbol_key and symbol_key(ref.number) != h.symbol_key:
            out.append(
                link.finding(
                    "citation_number_mismatch",
                    "error",
                    f"Viện dẫn số {ref.number} nhưng kế hoạch cấp trên có số {h.number}/{h.symbol}.",
                    f"Cites number {ref.number}; the higher plan is {h.number}/{h.symbol}.",
                    cited,
                    _spans(hp.evidence.get("number"), hp.evidence.get("symbol")),
                    cited_number=ref.number,
                    higher_number=f"{h.number}/{h.symbol}",
                )
            )
        if h.issue_date:
            wrong = [d for d in dict.fromkeys([ref.date, *ref.dates_seen]) if d and d != h.issue_date]
            for when in wrong:
                out.append(
                    link.finding(
                        "citation_date_mismatch",
                        "error",
                        f"Viện dẫn {ref.number or 'kế hoạch cấp trên'} ngày {when} nhưng kế hoạch cấp trên ban hành "
                        f"ngày {h.issue_date}.",
                        f"Cites {ref.number or 'the higher plan'} as dated {when}; it was issued on {h.issue_date}.",
                        cited,
                        _spans(hp.evidence.get("issue_date")),
                        cited_date=when,
                        higher_date=h.issue_date,
                    )
                )
    return out


def check_period(link: _Link) -> list[Finding | None]:
    low, high = _period(link.info.lower), _period(link.info.higher)
    if low is None or high is None or (high[0] <= low[0] and low[1] <= high[1]):
        return []
    return [
        link.finding(
            "period_outside_higher",
            "warning",
            f"Thời kỳ kế hoạch {low[0]}-{low[1]} nằm ngoài thời kỳ của kế hoạch cấp trên {high[0]}-{high[1]}.",
            f"The plan's period {low[0]}-{low[1]} is outside the higher plan's {high[0]}-{high[1]}.",
            _spans(link.lower.period.span),
            _spans(link.higher.period.span),
            period=list(low),
            higher_period=list(high),
        )
    ]


def _polarity(direction: str | None) -> str | None:
    """ "down" for a level to bring a value down to ("còn 6,11%"), "up" for everything else (reductions by,
    coverage, counts): only targets of one polarity measure the same thing."""
    return None if direction is None else ("down" if direction == "reduce_to" else "up")


def _same_measure(assigned: Target, own: Target) -> float:
    if fold(assigned.unit) != fold(own.unit):
        return 0.0
    if assigned.year and own.year and assigned.year != own.year:
        return 0.0
    pa, po = _polarity(assigned.direction), _polarity(own.direction)
    if pa and po and pa != po:
        return 0.0
    return fuzz.token_set_ratio(fold(assigned.indicator), fold(own.indicator))


def _at_least_as_demanding(assigned: Target, own: Target) -> bool:
    """Lower is better for "reduce to" (a rate brought down to 6.11%); higher is better otherwise
    (a reduction by 2 points, households helped, a coverage rate). Ranges compare at their lenient bound."""
    if _polarity(assigned.direction or own.direction) == "down":
        required = assigned.value_max if assigned.value_max is not None else assigned.value
        promised = own.value_max if own.value_max is not None else own.value
        return promised <= required + _EPS
    return own.value >= assigned.value - _EPS


def _fmt(t: Target) -> str:
    value = f"{t.value:g}" + (f"-{t.value_max:g}" if t.value_max is not None else "")
    return f"{value}{'' if t.unit == '%' else ' '}{t.unit}"


def _unique(spans: Iterable[Span | None]) -> list[Span]:
    return list(dict.fromkeys(s for s in spans if s is not None))


def check_targets(link: _Link) -> list[Finding | None]:
    """Targets the higher plan gives this unit: each taken up, at least as demanding. One finding per kind
    and link (the rate and the household count of one table row are one shortfall)."""
    low = link.info.lower
    own = [t for t in link.lower.targets if own_scope(t.scope, low)]
    missing: list[Target] = []
    short: list[tuple[Target, Target]] = []
    for t in link.prepared.targets.to(low):
        scored = [(score, o) for o in own if (score := _same_measure(t, o)) >= INDICATOR_SIMILARITY]
        if not scored:
            missing.append(t)
            continue
        _, match = max(scored, key=lambda so: (so[0], fuzz.ratio(fold(t.indicator), fold(so[1].indicator))))
        if not _at_least_as_demanding(t, match):
            short.append((t, match))
    out: list[Finding | None] = []
    if missing:
        listed = "; ".join(f'"{t.indicator}" {_fmt(t)}' for t in missing)
        out.append(
            link.finding(
                "target_not_taken_up",
                "warning",
                f"Chỉ tiêu cấp trên giao không có trong kế hoạch: {listed}.",
                f"Targets assigned by the higher plan are not in the plan: {listed}.",
                [],
                _unique(t.span for t in missing),
                targets=[{"indicator": t.indicator, "assigned": t.value, "unit": t.unit} for t in missing],
                assigned=[t.value for t in missing],
                unit=[t.unit for t in missing],
            )
        )
    if short:
        listed = "; ".join(f'"{m.indicator}" {_fmt(m)} < {_fmt(t)}' for t, m in short)
        out.append(
            link.finding(
                "target_less_demanding",
                "error",
                f"Chỉ tiêu thấp hơn mức cấp trên giao: {listed}.",
                f"Targets set below what the higher plan assigned: {listed}.",
                _unique(m.span for _, m in short),
                _unique(t.span for t, _ in short),
                targets=[
                    {
                        "indicator": t.indicator,
                        "assigned": t.value,
                        "assigned_max": t.value_max,
                        "actual": m.value,
                        "actual_max": m.value_max,
                        "unit": t.unit,
                        "direction": t.direction or m.direction,
                    }
                    for t, m in short
                ],
                assigned=[t.value for t, _ in short],
                actual=[m.value for _, m in short],
                unit=[t.unit for t, _ in short],
            )
        )
    return out


def _covers(have: set[tuple[int, int | None]], project: int, subproject: int | None) -> bool:
    if (project, subproject) in have or (project, None) in have:
        return True
    return subproject is None and any(p == project for p, _ in have)


def _project_label(project: int, subproject: int | None) -> str:
    return f"Tiểu dự án {subproject} thuộc Dự án {project}" if subproject else f"Dự án {project}"


def check_projects(link: _Link) -> list[Finding | None]:
    """Projects the higher plan gives this level (its lead names the level or this unit) are in the plan."""
    have = {(p.project, p.subproject) for p in link.lower.projects}
    missing = [p for p in link.prepared.projects_for(link.info.lower) if not _covers(have, p.project, p.subproject)]
    if not missing:
        return []
    listed = ", ".join(_project_label(p.project, p.subproject) for p in missing)
    return [
        link.finding(
            "project_missing",
            "warning",
            f"Kế hoạch cấp trên giao cho cấp này {listed}; kế hoạch không có.",
            f"The higher plan gives this level {listed}; the plan does not carry it out.",
            _unique(p.span for p in link.lower.projects),
            # The projects, and the higher plan's task for this level that they come with.
            _unique([*(p.span for p in missing), *(a.span for a in link.prepared.given_tasks(link.info.lower))]),
            missing=[{"project": p.project, "subproject": p.subproject} for p in missing],
        )
    ]


def _in_catalogue(known: set[tuple[int, int | None]], project: int, subproject: int | None) -> bool:
    return (project, subproject) in known or (subproject is None and any(p == project for p, _ in known))


def check_catalogue(link: _Link, catalogue: Catalogue) -> list[Finding | None]:
    programmes = {p.programme for p in link.higher.projects if p.programme}
    out: list[Finding | None] = []
    for p in link.lower.projects:
        programme = p.programme or (next(iter(programmes)) if len(programmes) == 1 else None)
        known = catalogue(programme)
        if not known or _in_catalogue(known, p.project, p.subproject):
            continue
        label = _project_label(p.project, p.subproject)
        named = f" ({programme})" if programme else ""
        out.append(
            link.finding(
                "project_outside_programme",
                "error",
                f"{label} không có trong danh mục Chương trình{named}.",
                f"{label} is not in the programme catalogue{named}.",
                _spans(p.span),
                [],
                project=p.project,
                subproject=p.subproject,
                programme=programme,
            )
        )
    return out


def _compare_dates(a: PartialDate, b: PartialDate) -> int:
    """-1, 0, 1 over the parts both dates give (a blank part on one side ends the comparison)."""
    for x, y in ((a.year, b.year), (a.month, b.month), (a.day, b.day)):
        if x is None and y is None:
            continue
        if x is None or y is None:
            return 0
        if x != y:
            return -1 if x < y else 1
    return 0


def _date_str(d: PartialDate) -> str:
    return "/".join(str(x) for x in (d.day, d.month, d.year) if x is not None) or "?"


def _ordinal(d: PartialDate, year: int) -> int:
    try:
        return date(d.year or year, d.month or 6, d.day or 15).toordinal()
    except ValueError:
        return date(d.year or year, d.month or 6, 28).toordinal()


def _task_level(deadline: Deadline, plan: PlanInfo) -> str | None:
    """Whose action a higher plan's deadline for this unit is about: the level below when the task names it
    ("chỉ đạo UBND cấp xã xây dựng kế hoạch"), else this unit's own."""
    below = set()
    for m in _LEVEL_IN_TASK.finditer(fold(deadline.what)):
        for word in types_in(m.group("rest")):
            level = type_level(word)
            if level and LEVEL_RANK[level] < plan.rank:
                below.add(level)
    return min(below, key=LEVEL_RANK.get) if below else plan.level


def _actor_levels(deadline: Deadline, plan: PlanInfo) -> set[str | None]:
    """Levels of the actors a plan's own deadline binds: the units its "who" names ("UBND các xã, thị trấn",
    "UBND xã"), else the plan's own unit (its offices and officers)."""
    types, names = _audience(deadline.who or "")
    if types:
        levels = {type_level(t) for t in types}
        return (levels - {None}) | ({"huyen", "tinh"} if None in levels else set())
    levels = {level for _, level in names if level} | ({parse_unit(deadline.who).level} - {None})
    return levels or {plan.level}


def _counterpart(wanted: Deadline, own: list[Deadline], plan: PlanInfo, year: int) -> Deadline | None:
    """The plan's deadline for the same task as a higher plan's deadline: same actors' level, same
    recurrence, a similar task; among similar tasks the nearest date (a report due in June and one due in
    December are the same words)."""
    level = _task_level(wanted, plan)
    cands = [d for d in own if (d.recurring or None) == (wanted.recurring or None) and level in _actor_levels(d, plan)]
    if wanted.what:
        scored = [(fuzz.token_sort_ratio(fold(wanted.what), fold(d.what)), d) for d in cands if d.what]
        scored = [(s, d) for s, d in scored if s >= TASK_SIMILARITY]
        if not scored:
            return None
        top = max(s for s, _ in scored)
        near = [d for s, d in scored if s >= top - 5]
    else:
        near = cands
    target = _ordinal(wanted.date, year)
    return min(near, key=lambda d: abs(_ordinal(d.date, year) - target)) if near else None


def check_deadlines(link: _Link) -> list[Finding | None]:
    """The plan's deadline for a task the higher plan sets a deadline for is not later than it."""
    low = link.info.lower
    year = (_period(low) or (low.issue_year or date.today().year,))[0]
    out: list[Finding | None] = []
    for d in link.prepared.deadlines.to(low):
        match = _counterpart(d, link.lower.deadlines, low, year)
        if match is None or _compare_dates(match.date, d.date) <= 0:
            continue
        what = match.what or d.what or "nhiệm vụ"
        out.append(
            link.finding(
                "deadline_later_than_higher",
                "error",
                f'Thời hạn "{what}" là {_date_str(match.date)}, muộn hơn thời hạn cấp trên {_date_str(d.date)}.',
                f'Deadline for "{what}" is {_date_str(match.date)}, later than the higher plan\'s {_date_str(d.date)}.',
                _spans(match.span),
                _spans(d.span),
                what=d.what,
                date=match.date.model_dump(),
                higher_date=d.date.model_dump(),
            )
        )
    return out


def check_reporting(link: _Link) -> list[Finding | None]:
    """A reporting duty the higher plan gives this unit (an assignment with role bao_cao) is taken up: the
    plan gives someone a reporting role, or sets a recurring or similar reporting deadline."""
    low = link.info.lower
    duties = link.prepared.duties.to(low)
    if not duties:
        return []
    reports = any(a.role == "bao_cao" for a in link.lower.assignments) or any(
        d.recurring
        or (
            d.what
            and any(fuzz.token_set_ratio(fold(d.what), fold(a.tasks)) >= TASK_SIMILARITY for a in duties if a.tasks)
        )
        for d in link.lower.deadlines
    )
    if reports:
        return []
    duty = duties[0]
    return [
        link.finding(
            "reporting_not_taken_up",
            "warning",
            f'Kế hoạch không có nhiệm vụ báo cáo mà cấp trên giao: "{duty.tasks or duty.body}".',
            f'The plan has no reporting duty; the higher plan requires one: "{duty.tasks or duty.body}".',
            [],
            _spans(duty.span),
            duty=duty.tasks,
        )
    ]


def check_link(link: _Link, catalogue: Catalogue | None = None) -> list[Finding]:
    """Every check of one (lower, higher) pair."""
    found: list[Finding | None] = [
        *check_citation(link),
        *check_period(link),
        *check_targets(link),
        *check_projects(link),
        *check_deadlines(link),
        *check_reporting(link),
    ]
    if catalogue is not None:
        found += check_catalogue(link, catalogue)
    return [f for f in found if f is not None]


# --- missing submissions ------------------------------------------------------------------------------

_CHILD_LEVEL = {"tinh": "huyen", "huyen": "xa"}
# The two-level system (units_2025, in force from 1 July 2025: provinces and communes, no districts) is the
# gazetteer for plans whose period starts in this year or later.
TWO_LEVEL_FROM_YEAR = 2026


def _accepts_year(fn: Callable) -> bool:
    try:
        return "year" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _children(units_under: UnitsUnder, h: PlanInfo, year: int) -> list[str]:
    province, district = (h.unit, None) if h.level == "tinh" else (h.province, h.unit)
    if _accepts_year(units_under):
        return units_under(province, district, year=year)
    return units_under(province, district)


def _expected_units(gazetteer: list[str], plan: Plan) -> list[str]:
    """The gazetteer's units that the plan's per-unit table names (targets or baselines by unit); all of
    them when it names none. A plan for a programme area (vùng DTTS) lists only the units in the area."""
    rows: dict[str, set[str | None]] = defaultdict(set)
    for t in (*plan.targets, *plan.baselines):
        if t.scope:
            unit = parse_unit(t.scope)
            rows[_loose(unit.name)].add(unit.level)
    listed = []
    for name in gazetteer:
        unit = parse_unit(name)
        levels = rows.get(_loose(unit.name), set())
        if levels and (unit.level is None or None in levels or unit.level in levels):
            listed.append(name)
    return listed or gazetteer


def missing_submissions(
    highers: Iterable[PlanInfo],
    index: PlanIndex,
    plans: dict[int, Plan],
    links: list[Link],
    units_under: UnitsUnder,
) -> list[CrossFinding]:
    """Units under a district or province (from the gazetteer) with no plan for the higher plan's period.

    A unit counts as present when a plan of it implements the higher plan, or is issued under it (its
    district or province) for an overlapping period; names compare with and without diacritics, since
    plans and the gazetteer spell some names differently ("Đak Rong", "Đăk Rong")."""
    present_for: dict[int, list[tuple[str | None, str | None]]] = defaultdict(list)
    for link in links:
        present_for[link.higher.id].append((link.lower.unit_key, link.lower.level))
    by_parent: dict[str, list[PlanInfo]] = defaultdict(list)
    by_province: dict[str, list[PlanInfo]] = defaultdict(list)
    for p in index.plans.values():
        by_parent[_loose(p.parent_key)].append(p)
        by_province[_loose(p.province_key)].append(p)
    out: list[CrossFinding] = []
    done: set[tuple] = set()
    for h in highers:
        period = _period(h)
        if h.level not in _CHILD_LEVEL or period is None or not _is_plan(h) or not h.unit_key:
            continue
        plan = plans[h.id]
        units = _expected_units(_children(units_under, h, period[0]), plan)
        if not units:
            continue
        present = list(present_for[h.id])
        own = _loose(h.unit_key)
        for p in by_parent.get(own, []) + (by_province.get(own, []) if h.level == "tinh" else []):
            pp = _period(p) or ((p.issue_year, p.issue_year) if p.issue_year else None)
            if p.rank < h.rank and pp and pp[0] <= period[1] and period[0] <= pp[1]:
                present.append((p.unit_key, p.level))
        present_levels: dict[str, set[str | None]] = defaultdict(set)
        for k, lv in present:
            present_levels[_loose(k)].add(lv)
        for name in units:
            unit = parse_unit(name)
            key, level = unit.name, unit.level
            if not key or (h.unit_key, period, key) in done:
                continue
            levels = present_levels.get(_loose(key), set())
            if levels and (level is None or None in levels or level in levels):
                continue
            done.add((h.unit_key, period, key))
            # The unit's row of the higher plan's table (every cell read from it), else its task for all units.
            rows = sorted(
                _unique(
                    t.span
                    for t in (*plan.targets, *plan.baselines)
                    if t.span and _loose(parse_unit(t.scope).name) == _loose(key)
                ),
                key=lambda sp: sp.start,
            )
            generic = [a.span for a in plan.assignments if a.span and _GENERIC.match(split_body(a.body))]
            evidence = rows or generic[:1] or _anchor(plan)
            if not evidence:
                continue
            years = f"{period[0]}" if period[0] == period[1] else f"{period[0]}-{period[1]}"
            out.append(
                CrossFinding(
                    Finding(
                        code="missing_submission",
                        severity="warning",
                        message=f"Không có kế hoạch của {name} cho thời kỳ {years} trong cơ sở dữ liệu.",
                        message_en=f"No plan from {name} for {years} in the database.",
                        evidence=evidence,
                        related=[],
                        related_source=None,
                        data={"unit": name, "higher_plan_id": h.id, "period": list(period), "level": level},
                    ),
                    plan=h,
                    lower=None,
                    higher=h,
                )
            )
    return out


# --- providers ----------------------------------------------------------------------------------------


def _gazetteer_units_under(province: str | None, district: str | None, year: int | None = None) -> list[str]:
    """Units directly under a province or district in the shipped gazetteer, as "Xã Đăk Rong": the units
    before the 2025 reform, or the two-level units for plans from TWO_LEVEL_FROM_YEAR on. [] when the name
    does not resolve to exactly one unit."""
    from kehoach.pipeline.reference import admin_units

    units = admin_units()
    era = "2025" if year and year >= TWO_LEVEL_FROM_YEAR else "legacy"
    if district:
        found = [
            u for u in units.find(None, district, within=province or None, era=era, loose=True) if u.level == "huyen"
        ]
    elif province:
        found = [u for u in units.find(None, province, era=era, loose=True) if u.level == "tinh"]
    else:
        return []
    if len(found) != 1:
        return []
    return [u.full_name for u in units.units_under(found[0])]


def default_units_under() -> UnitsUnder | None:
    """The gazetteer shipped in kehoach.reference (through kehoach.pipeline.reference)."""
    try:
        from kehoach.pipeline.reference import admin_units  # noqa: F401
    except ImportError:
        return None
    return _gazetteer_units_under


def _programme_projects(key: str | None) -> set[tuple[int, int | None]] | None:
    """(project, sub-project) pairs of a programme catalogue; None for an unknown key or a programme that is
    not split into numbered projects."""
    from kehoach.pipeline.reference import programmes

    prog = programmes().get(key) if key else None
    if prog is None or not prog.projects:
        return None
    pairs: set[tuple[int, int | None]] = {(p.number, None) for p in prog.projects}
    return pairs | {(p.number, sp.number) for p in prog.projects for sp in p.subprojects}


def default_catalogue() -> Catalogue | None:
    """Projects of a national programme by its key, from the catalogues shipped in kehoach.reference."""
    try:
        from kehoach.pipeline.reference import programmes  # noqa: F401
    except ImportError:
        return None
    return _programme_projects


# --- the run ------------------------------------------------------------------------------------------


def _load_plans(session: Session, ids: set[int]) -> dict[int, Plan]:
    """Plans from their stored JSON, read as text and validated by pydantic's own JSON parser (the
    cross-check's main cost is here)."""
    out: dict[int, Plan] = {}
    ordered = sorted(ids)
    as_text = cast(PlanRow.json, Text)
    for i in range(0, len(ordered), 500):
        for pid, data in session.execute(select(PlanRow.id, as_text).where(PlanRow.id.in_(ordered[i : i + 500]))):
            out[pid] = Plan.model_validate_json(data)
    return out


def _fill_text(session: Session, findings: list[CrossFinding]) -> None:
    """Give every evidence span its text, from the stored document text, where the plan did not carry it."""
    ids = {cf.plan.id for cf in findings} | {cf.higher.id for cf in findings if cf.higher}
    texts: dict[int, str | None] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), 500):
        texts.update(
            session.execute(
                select(PlanRow.id, DocumentRow.text)
                .join(DocumentRow, DocumentRow.id == PlanRow.document_id)
                .where(PlanRow.id.in_(ordered[i : i + 500]))
            ).all()
        )

    def fill(spans: list[Span], text: str | None) -> list[Span]:
        if not text:
            return spans
        return [s if s.text is not None else s.model_copy(update={"text": text[s.start : s.end]}) for s in spans]

    for cf in findings:
        f = cf.finding
        related_text = texts.get(cf.higher.id) if cf.higher and cf.lower else None
        cf.finding = f.model_copy(
            update={
                "evidence": fill(f.evidence, texts.get(cf.plan.id)),
                "related": fill(f.related, related_text),
            }
        )


def _span_cols(spans: list[Span]) -> dict:
    s = spans[0] if spans else None
    return {"span_start": s and s.start, "span_end": s and s.end, "span_line": s and s.line, "span_page": s and s.page}


def _store(session: Session, report: CrossReport, lower_ids: set[int], higher_ids: set[int], args: dict) -> None:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    run = RunRow(command="crosscheck", started=now, counts={}, args=args)
    session.add(run)
    session.flush()
    for ids, missing in ((lower_ids, False), (higher_ids, True)):
        ordered = sorted(ids)
        for i in range(0, len(ordered), 500):
            cond = FindingRow.code == "missing_submission" if missing else FindingRow.code != "missing_submission"
            session.execute(
                delete(FindingRow).where(
                    FindingRow.origin == "crosslevel",
                    FindingRow.plan_id.in_(ordered[i : i + 500]),
                    cond,
                )
            )
    rows = [
        {
            "plan_id": cf.plan.id,
            "origin": "crosslevel",
            "run_id": run.id,
            "related_plan_id": cf.higher.id if cf.higher and cf.lower else None,
            "code": cf.finding.code,
            "severity": cf.finding.severity,
            "message": cf.finding.message,
            "message_en": cf.finding.message_en,
            "evidence": [s.model_dump(mode="json") for s in cf.finding.evidence],
            "related": [s.model_dump(mode="json") for s in cf.finding.related],
            "related_source": cf.finding.related_source,
            "data": cf.finding.data,
            **_span_cols(cf.finding.evidence),
        }
        for cf in report.findings
    ]
    if rows:
        session.execute(insert(FindingRow), rows)
    run.finished = datetime.now(timezone.utc).replace(tzinfo=None)
    run.counts = {"findings": len(rows), "links": len(report.links), **report.counts()}
    report.run_id = run.id
    session.commit()


_DEFAULT = object()
_CHUNK = 500  # lower plans loaded at a time


def crosscheck(
    session: Session,
    selected: list[PlanInfo] | None = None,
    *,
    units_under=_DEFAULT,
    catalogue=_DEFAULT,
    store: bool = True,
    args: dict | None = None,
) -> CrossReport:
    """Check the selected plans (default: every current plan) against the plans they implement, and the
    plans that implement them against them; with ``store`` the findings replace earlier cross-level
    findings of those plans and the run is recorded."""
    units_under = default_units_under() if units_under is _DEFAULT else units_under
    catalogue = default_catalogue() if catalogue is _DEFAULT else catalogue
    infos = plan_infos(session)
    index = PlanIndex.build(infos)
    all_links = find_links(session, index)
    chosen = None if selected is None else {p.id for p in selected}
    links = [link for link in all_links if chosen is None or link.lower.id in chosen or link.higher.id in chosen]
    highers = [p for p in (infos if chosen is None else selected) if p.level in _CHILD_LEVEL]

    report = CrossReport(findings=[], links=links)
    prepared: dict[int, _Higher] = {}

    def prepare(ids: set[int]) -> None:
        for pid, plan in _load_plans(session, ids - prepared.keys()).items():
            prepared[pid] = _Higher(plan)

    # Higher plans stay loaded (there are few); lower plans are loaded a chunk at a time.
    prepare({link.higher.id for link in links})
    catalogued: set[int] = set()
    ordered = sorted(links, key=lambda link: (link.lower.id, link.higher.id))
    for i in range(0, len(ordered), _CHUNK):
        chunk = ordered[i : i + _CHUNK]
        lowers = _load_plans(session, {link.lower.id for link in chunk})
        for link in chunk:
            loaded = _Link(link, lowers[link.lower.id], prepared[link.higher.id])
            # The catalogue is the programme's, not the higher plan's: check each lower plan once.
            once = catalogue if link.lower.id not in catalogued else None
            catalogued.add(link.lower.id)
            for f in check_link(loaded, once):
                report.findings.append(CrossFinding(f, link.lower, link.lower, link.higher))
    if units_under is None:
        report.notes.append("missing submissions not checked: no gazetteer (kehoach.pipeline.reference.units_under)")
    else:
        prepare({h.id for h in highers})
        plans = {h.id: prepared[h.id].plan for h in highers}
        report.findings += missing_submissions(highers, index, plans, all_links, units_under)
    if catalogue is None:
        report.notes.append("programme catalogue not available: projects outside the programme not checked")
    _fill_text(session, report.findings)
    if store:
        lower_ids = {link.lower.id for link in links} | (chosen or set())
        _store(session, report, lower_ids, {h.id for h in highers}, args or {})
    return report
