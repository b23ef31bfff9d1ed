"""The citation graph: keys that make citations comparable, resolution of references to plans, and queries.

A plan cites "Kế hoạch số 91/KH – UBND ngày 20/04/2023 của UBND huyện Cẩm Thủy"; the cited plan is in the
database as number "91", symbol "KH-UBND", issuer level huyen, unit "Cẩm Thủy". Resolution tries, in order
of confidence: the same number and date (``exact_number_date``), the same number with a date that differs
or is missing (``number_only``: the date conflict is then a cross-level finding), and the same issuing unit
and year when the number is missing or wrong (``unit_level_year``). Everything else is ``unresolved``, the
list of documents that plans cite and the database does not hold.

The same queries are SQL views for analysts (created by the migration): ``v_citations`` (one row per
reference, with the citing and the resolved plan) and ``v_unresolved`` (references of current plans that
resolve to nothing).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

import regex
import yaml
from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import Session

from kehoach.pipeline.reference import ascii_key, fold_tone_placement
from kehoach.pipeline.store.models import DocumentRow, LegalRefRow, PlanRow

LEVEL_RANK = {"xa": 0, "huyen": 1, "tinh": 2, "trung_uong": 3}

_DASHES = regex.compile(r"[\u2010-\u2015\u2212–—]")
_SPACES = regex.compile(r"\s+")
_SEPARATORS = regex.compile(r"\s*[/\-]\s*")
# Where a unit name ends inside a longer phrase ("UBND huyện Kbang về việc …", "UBND tỉnh và Ban …").
_NAME_END = regex.compile(r"\s*(?:[,;(]|\bvà\b|\bvề\b|\btheo\b).*$")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """NFC, one tone placement ("Uỷ" = "Ủy"), case folded, one kind of dash, single spaces: the form every
    comparison in the store uses."""
    if not text:
        return ""
    text = fold_tone_placement(text).casefold()
    return _SPACES.sub(" ", _DASHES.sub("-", text)).strip()


@lru_cache(maxsize=65536)
def symbol_key(symbol: str | None) -> str | None:
    """'91/KH – UBND', '91/kh-ubnd' and 'Số 91/KH/UBND' → '91/kh/ubnd'; '47- KH/TU' → '47/kh/tu'."""
    s = fold(symbol)
    s = regex.sub(r"^số\s*:?\s*", "", s)
    s = _SEPARATORS.sub("/", s).replace(" ", "")
    return s.strip("/.") or None


def plan_symbol_key(number: str | None, symbol: str | None) -> str | None:
    """The key a plan is cited by: its number and symbol together; None for a draft without a number."""
    if not number or not number.strip():
        return None
    number = number.strip()
    if not symbol:
        return symbol_key(number)
    return symbol_key(f"{number}/{symbol}")


# --- issuers and units as written ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Body:
    """An issuing body from patterns/issuers.jsonl, folded."""

    key: str  # canonical name, folded: "ubnd", "hđnd", "tỉnh ủy", "thủ tướng chính phủ"
    named: bool  # a unit follows: "UBND huyện Kbang"
    level: str | None  # party committees named by their level: "Tỉnh ủy Gia Lai"
    append_name: bool
    prefix: bool  # a title before the body: "Chủ tịch UBND …"


@dataclass(frozen=True)
class _Grammar:
    unit_types: dict[str, str | None]  # folded type word → level (None: "thành phố" names two levels)
    bodies: dict[str, _Body]  # folded pattern → body
    body_re: regex.Pattern
    type_re: regex.Pattern
    types_re: regex.Pattern


def _words_re(words: Iterable[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def grammar() -> _Grammar:
    """Unit types (admin_units/unit_types.yaml) and issuing bodies (patterns/issuers.jsonl) from the
    reference data, folded and compiled once."""
    data = files("kehoach.reference")
    unit_types: dict[str, str | None] = {}
    for entry in yaml.safe_load((data / "admin_units" / "unit_types.yaml").read_text(encoding="utf-8"))["types"]:
        for word in entry["words"]:
            key = fold(word).rstrip(".")
            level = entry.get("level")
            unit_types[key] = level if unit_types.get(key, level) == level else None
    bodies: dict[str, _Body] = {}
    for line in (data / "patterns" / "issuers.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            bodies[fold(raw["pattern"])] = _Body(
                fold(raw["canonical"]),
                bool(raw.get("unit")),
                raw.get("level"),
                bool(raw.get("append_name")),
                bool(raw.get("prefix")),
            )
    types = _words_re(unit_types)
    return _Grammar(
        unit_types,
        bodies,
        body_re=regex.compile(rf"^(?P<body>{_words_re(bodies)})(?!\p{{L}})\s*"),
        type_re=regex.compile(rf"^(?P<type>{types})(?:\.|(?!\p{{L}}))\s*"),
        types_re=regex.compile(rf"(?<!\p{{L}})(?P<type>{types})(?!\p{{L}})"),
    )


@dataclass(frozen=True)
class UnitRef:
    """An issuer or scope as written, split: body ("ubnd"), unit type ("huyện"), folded unit name, level."""

    body: str | None
    type: str | None
    name: str | None
    level: str | None = None


@lru_cache(maxsize=65536)
def parse_unit(text: str | None) -> UnitRef:
    """'UBND huyện Cẩm Thủy' → (ubnd, huyện, 'cẩm thủy', huyen); 'Ủy ban nhân dân tỉnh' → (ubnd, tỉnh, None,
    tinh); 'Tỉnh ủy Gia Lai' → (tỉnh ủy, None, 'gia lai', tinh); 'Thủ tướng Chính phủ' → a body, no unit."""
    g = grammar()
    s = fold(text)
    body = None
    while s and (m := g.body_re.match(s)):
        found = g.bodies[m.group("body")]
        s = s[m.end() :]
        if found.prefix:
            continue
        body = found.key
        if found.append_name or found.level:
            return UnitRef(body, None, _name(s), found.level)
        if not found.named:
            return UnitRef(body, None, None, None)
        break
    m = g.type_re.match(s)
    if m:
        word = m.group("type")
        return UnitRef(body, word, _name(s[m.end() :]), g.unit_types[word])
    return UnitRef(body, None, _name(s), None)


def split_body(text: str | None) -> str:
    """The folded text after any issuing body and title it starts with ("giao UBND các xã" keeps "giao …";
    "UBND các xã, thị trấn" → "các xã, thị trấn")."""
    g = grammar()
    s = fold(text)
    while s and (m := g.body_re.match(s)):
        s = s[m.end() :]
    return s


def types_in(text: str) -> set[str]:
    """Unit type words in a folded text ("các xã, phường, thị trấn" → {xã, phường, thị trấn})."""
    return {m.group("type") for m in grammar().types_re.finditer(text)}


def type_level(word: str | None) -> str | None:
    """Level a unit type word means ("thị xã" → huyen); None for unknown words and for "thành phố"."""
    return grammar().unit_types.get(fold(word).rstrip(".")) if word else None


def _name(rest: str) -> str | None:
    rest = _NAME_END.sub("", rest).strip(" .:-")
    return rest or None


@lru_cache(maxsize=65536)
def loose_key(name: str | None) -> str:
    """A unit name without diacritics, for matching: plans and the gazetteer spell some names differently
    ("Đak Rong", "Đăk Rong")."""
    return ascii_key(name) if name else ""


def unit_key(name: str | None) -> str | None:
    """Folded unit name without its type: 'huyện Hớn Quản' and 'Hớn Quản' → 'hớn quản'."""
    return parse_unit(name).name


# --- resolution ---------------------------------------------------------------------------------------


@dataclass
class PlanInfo:
    """The columns of a current plan that resolution and the cross-level checks look at."""

    id: int
    plan_key: str
    source: str
    doc_type: str | None
    number: str | None
    symbol: str | None
    symbol_key: str | None
    issuer_name: str | None
    level: str | None
    unit: str | None
    unit_type: str | None
    unit_key: str | None
    parent: str | None
    parent_key: str | None
    province: str | None
    province_key: str | None
    issue_date: str | None
    issue_year: int | None
    period_start: int | None
    period_end: int | None
    body: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.body = parse_unit(self.issuer_name).body

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level or "", -1)

    def label(self) -> str:
        number = f"{self.number}/{self.symbol}" if self.number else (self.symbol or "(no number)")
        return f"{self.issuer_name or self.unit or '?'} {number}"

    def as_dict(self) -> dict:
        """The plan as it appears in JSON output (graph, crosscheck)."""
        return {
            "id": self.id,
            "file": self.source,
            "number": self.number,
            "symbol": self.symbol,
            "issuer": self.issuer_name,
            "level": self.level,
            "unit": self.unit,
            "issue_date": self.issue_date,
            "period": [self.period_start, self.period_end],
        }


_PLAN_INFO_COLUMNS = (
    PlanRow.id,
    PlanRow.plan_key,
    PlanRow.source,
    PlanRow.doc_type,
    PlanRow.number,
    PlanRow.symbol,
    PlanRow.symbol_key,
    PlanRow.issuer_name,
    PlanRow.level,
    PlanRow.unit,
    PlanRow.unit_type,
    PlanRow.unit_key,
    PlanRow.parent,
    PlanRow.parent_key,
    PlanRow.province,
    PlanRow.province_key,
    PlanRow.issue_date,
    PlanRow.issue_year,
    PlanRow.period_start,
    PlanRow.period_end,
)


def plan_infos(session: Session, where=None) -> list[PlanInfo]:
    """Current plans (optionally filtered) as PlanInfo, in id order."""
    stmt = select(*_PLAN_INFO_COLUMNS).where(PlanRow.is_current.is_(True)).order_by(PlanRow.id)
    if where is not None:
        stmt = stmt.where(where)
    return [PlanInfo(*row) for row in session.execute(stmt)]


@dataclass
class PlanIndex:
    """Current plans by citation key and by issuing unit, for resolving many references at once."""

    plans: dict[int, PlanInfo]
    by_symbol: dict[str, list[PlanInfo]] = field(default_factory=lambda: defaultdict(list))
    by_unit: dict[str, list[PlanInfo]] = field(default_factory=lambda: defaultdict(list))  # by loose_key

    @classmethod
    def build(cls, infos: Iterable[PlanInfo]) -> PlanIndex:
        index = cls(plans={})
        for info in infos:
            index.plans[info.id] = info
            if info.symbol_key:
                index.by_symbol[info.symbol_key].append(info)
            if info.unit_key:
                index.by_unit[loose_key(info.unit_key)].append(info)
        return index


@dataclass(frozen=True)
class Resolution:
    plan_id: int | None
    resolution: str
    confidence: float


UNRESOLVED = Resolution(None, "unresolved", 0.0)


def _year(date: str | None) -> int | None:
    m = regex.match(r"(\d{4})", date or "")
    return int(m.group(1)) if m else None


def _full_date(date: str | None) -> str | None:
    return date if date and regex.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None


def cited_unit(issuer: str | None, citing: PlanInfo) -> UnitRef:
    """The cited issuer, with a unit left implicit ("của UBND tỉnh", "của UBND huyện", "của Tỉnh ủy") filled
    in from the citing plan: the province, the district a commune belongs to, or the citing unit itself."""
    ref = parse_unit(issuer)
    if ref.name or not (ref.type or ref.level):
        return ref
    level = ref.level

    def named(name: str | None) -> UnitRef:
        return UnitRef(ref.body, ref.type, name, ref.level)

    if level == "tinh":
        return named(citing.province_key or (citing.unit_key if citing.level == "tinh" else None))
    if citing.level == "xa" and level in ("huyen", None):
        return named(citing.parent_key)
    if citing.level in ("huyen", "tinh") and level in (citing.level, None):
        return named(citing.unit_key)
    if citing.level == "xa" and level == "xa":
        return named(citing.unit_key)
    return ref


def _issuer_fits(unit: UnitRef, cand: PlanInfo) -> bool | None:
    """True when the cited issuer names this plan's unit, False when it names another body, level or unit,
    None when it says nothing that tells."""
    if unit.body and cand.body and unit.body != cand.body:
        return False
    if unit.level and cand.level and unit.level != cand.level:
        return False
    if unit.name:
        return loose_key(unit.name) == loose_key(cand.unit_key)
    return None


def _type_fits(ref_type: str | None, cand: PlanInfo) -> bool:
    return not ref_type or not cand.doc_type or ref_type == cand.doc_type


def resolve_ref(
    number: str | None,
    date: str | None,
    issuer: str | None,
    ref_type: str | None,
    citing: PlanInfo,
    index: PlanIndex,
    dates_seen: Iterable[str] = (),
) -> Resolution:
    """The plan a reference points to, how it was found, and how sure that is (0–1)."""
    key = symbol_key(number)
    full = _full_date(date) or next((d for d in dates_seen if _full_date(d)), None)
    year = _year(full) or _year(date) or next((y for d in dates_seen if (y := _year(d))), None)
    unit = cited_unit(issuer, citing)

    def others(cands: Iterable[PlanInfo]) -> list[PlanInfo]:
        return [c for c in cands if c.plan_key != citing.plan_key and _type_fits(ref_type, c)]

    def best(cands: list[PlanInfo], sure: float, unsure: float) -> Resolution | None:
        fits = [(c, _issuer_fits(unit, c)) for c in cands]
        for wanted, confidence in ((True, sure), (None, unsure)):
            chosen = [c for c, fit in fits if fit is wanted]
            if len(chosen) == 1:
                return Resolution(chosen[0].id, "", confidence)
            if chosen:
                # Several equally good: the one in the citing plan's province, else lower confidence.
                local = [c for c in chosen if citing.province_key and c.province_key == citing.province_key]
                pick = local[0] if len(local) == 1 else chosen[0]
                return Resolution(pick.id, "", round(confidence / (1 if len(local) == 1 else len(chosen)), 3))
        return None

    if key:
        cands = others(index.by_symbol.get(key, ()))
        if full:
            hit = best([c for c in cands if c.issue_date == full], 1.0, 0.9)
            if hit:
                return Resolution(hit.plan_id, "exact_number_date", hit.confidence)
        same_year = [c for c in cands if not year or not c.issue_year or c.issue_year == year]
        hit = best(same_year, 0.8, 0.6)
        if hit:
            return Resolution(hit.plan_id, "number_only", hit.confidence)

    if unit.name and ref_type:
        cands = [
            c
            for c in others(index.by_unit.get(loose_key(unit.name), ()))
            if c.doc_type == ref_type and _issuer_fits(unit, c) is not False
        ]
        if full:
            same_day = [c for c in cands if c.issue_date == full]
            if len(same_day) == 1:
                return Resolution(same_day[0].id, "unit_level_year", 0.7)
        if year and not (key and full):
            # Only when the citation itself is incomplete: a full number and date that match nothing
            # are a document the database does not hold, not this unit's plan of the same year.
            same_year = [c for c in cands if c.issue_year == year]
            if len(same_year) == 1:
                return Resolution(same_year[0].id, "unit_level_year", 0.4)
    return UNRESOLVED


def resolve_references(session: Session) -> dict[str, int]:
    """Resolve every reference of every current plan against the current plans; write only what changed.

    Run after each ingest, so that a plan arriving later resolves the references that were waiting for it
    and a new version takes over the references to the old one. Returns counts per resolution.
    """
    infos = plan_infos(session)
    index = PlanIndex.build(infos)
    rows = session.execute(
        select(
            LegalRefRow.id,
            LegalRefRow.plan_id,
            LegalRefRow.number,
            LegalRefRow.date,
            LegalRefRow.issuer,
            LegalRefRow.type,
            LegalRefRow.dates_seen,
            LegalRefRow.resolved_plan_id,
            LegalRefRow.resolution,
            LegalRefRow.confidence,
        )
        .join(PlanRow, PlanRow.id == LegalRefRow.plan_id)
        .where(PlanRow.is_current.is_(True))
    )
    counts: dict[str, int] = defaultdict(int)
    changes = []
    for ref_id, plan_id, number, date, issuer, ref_type, dates_seen, old_id, old_res, old_conf in rows:
        res = resolve_ref(number, date, issuer, ref_type, index.plans[plan_id], index, dates_seen or ())
        counts[res.resolution] += 1
        if (res.plan_id, res.resolution, res.confidence) != (old_id, old_res, old_conf):
            changes.append(
                {
                    "id": ref_id,
                    "resolved_plan_id": res.plan_id,
                    "resolution": res.resolution,
                    "confidence": res.confidence,
                }
            )
    if changes:
        session.execute(update(LegalRefRow), changes)
    counts["changed"] = len(changes)
    return dict(counts)


# --- queries ------------------------------------------------------------------------------------------


@dataclass
class Edge:
    """One citation: the citing plan, the document as cited, and the plan it resolved to (if any)."""

    ref_id: int
    citing: PlanInfo
    type: str | None
    number: str | None
    date: str | None
    issuer: str | None
    resolution: str
    confidence: float
    cited: PlanInfo | None

    def as_dict(self) -> dict:
        def plan(p: PlanInfo | None) -> dict | None:
            return None if p is None else p.as_dict()

        return {
            "citing": plan(self.citing),
            "type": self.type,
            "number": self.number,
            "date": self.date,
            "issuer": self.issuer,
            "resolution": self.resolution,
            "confidence": self.confidence,
            "cited": plan(self.cited),
        }


def _edges(session: Session, stmt: Select) -> list[Edge]:
    refs = session.execute(stmt).all()
    ids = {r.plan_id for r in refs} | {r.resolved_plan_id for r in refs if r.resolved_plan_id}
    infos = {p.id: p for p in _infos_by_id(session, ids)}
    return [
        Edge(
            r.id,
            infos[r.plan_id],
            r.type,
            r.number,
            r.date,
            r.issuer,
            r.resolution,
            r.confidence,
            infos.get(r.resolved_plan_id),
        )
        for r in refs
    ]


def _infos_by_id(session: Session, ids: set[int]) -> list[PlanInfo]:
    out: list[PlanInfo] = []
    ids_list = sorted(ids)
    for i in range(0, len(ids_list), 500):
        chunk = ids_list[i : i + 500]
        out += [PlanInfo(*row) for row in session.execute(select(*_PLAN_INFO_COLUMNS).where(PlanRow.id.in_(chunk)))]
    return out


def _ref_select() -> Select:
    return (
        select(LegalRefRow)
        .join(PlanRow, PlanRow.id == LegalRefRow.plan_id)
        .where(PlanRow.is_current.is_(True))
        .order_by(LegalRefRow.plan_id, LegalRefRow.ord)
    )


def citations(session: Session) -> list[Edge]:
    """Every citation made by a current plan."""
    return _edges(session, _ref_select().with_only_columns(*LegalRefRow.__table__.c))


def citing(session: Session, number: str) -> list[Edge]:
    """Which plans cite a given document: by its number as cited, or through a plan it resolved to."""
    key = symbol_key(number)
    if not key:
        return []
    stmt = (
        _ref_select()
        .with_only_columns(*LegalRefRow.__table__.c)
        .where(
            or_(
                LegalRefRow.number_key == key,
                LegalRefRow.resolved_plan_id.in_(select(PlanRow.id).where(PlanRow.symbol_key == key)),
            )
        )
    )
    return _edges(session, stmt)


def implementing(session: Session, plan_id: int) -> list[Edge]:
    """Which lower-level plans implement a given plan: current plans whose references resolve to it (or to
    any version of it) and whose level is below its level."""
    versions = select(PlanRow.id).where(
        PlanRow.plan_key == select(PlanRow.plan_key).where(PlanRow.id == plan_id).scalar_subquery()
    )
    edges = _edges(
        session,
        _ref_select().with_only_columns(*LegalRefRow.__table__.c).where(LegalRefRow.resolved_plan_id.in_(versions)),
    )
    return [e for e in edges if e.cited and (e.citing.rank < e.cited.rank or min(e.citing.rank, e.cited.rank) < 0)]


def unresolved(session: Session, ref_type: str | None = None) -> list[Edge]:
    """References of current plans to documents the database does not hold (optionally of one type)."""
    stmt = _ref_select().with_only_columns(*LegalRefRow.__table__.c).where(LegalRefRow.resolution == "unresolved")
    if ref_type:
        stmt = stmt.where(LegalRefRow.type == ref_type)
    return _edges(session, stmt)


def find_plans(session: Session, query: str) -> list[PlanInfo]:
    """Current plans named by a user: a database id, a file path (or its tail), or a number as cited."""
    query = query.strip()
    if query.isdigit():
        found = plan_infos(session, PlanRow.id == int(query))
        if found:
            return found
    key = symbol_key(query)
    found = plan_infos(session, PlanRow.symbol_key == key) if key else []
    if found:
        return found
    paths = select(DocumentRow.id).where(or_(DocumentRow.path == query, DocumentRow.path.endswith("/" + query)))
    return plan_infos(session, PlanRow.document_id.in_(paths))


def plans_of_unit(session: Session, unit: str) -> list[PlanInfo]:
    """Current plans issued by a unit ("xã Tân Lợi", "Tân Lợi", "huyện Hớn Quản")."""
    ref = parse_unit(unit)
    if not ref.name:
        return []
    cond = PlanRow.unit_key == ref.name
    if ref.level:
        cond = and_(cond, or_(PlanRow.level == ref.level, PlanRow.level.is_(None)))
    return plan_infos(session, cond)


# --- GraphViz ------------------------------------------------------------------------------------------


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(edges: Iterable[Edge]) -> str:
    """Citations as a GraphViz digraph: plans as boxes (by level), unresolved documents as dashed notes."""
    lines = ["digraph citations {", "  rankdir=BT;", '  node [shape=box, fontname="Helvetica"];']
    nodes: dict[str, str] = {}
    edge_lines: list[str] = []

    def plan_node(p: PlanInfo) -> str:
        name = f"plan{p.id}"
        if name not in nodes:
            year = f" ({p.issue_date or p.issue_year or '?'})"
            nodes[name] = f"  {name} [label={_dot_str(p.label() + year)}, tooltip={_dot_str(p.source)}];"
        return name

    for e in edges:
        src = plan_node(e.citing)
        if e.cited is not None:
            dst = plan_node(e.cited)
            style = "solid" if e.resolution == "exact_number_date" else "dashed"
            edge_lines.append(
                f"  {src} -> {dst} [label={_dot_str(f'{e.resolution} {e.confidence:.2f}')}, style={style}];"
            )
        else:
            label = " ".join(x for x in (e.type, e.number, e.date, e.issuer) if x) or "?"
            dst = f"doc_{symbol_key(e.number) or e.ref_id}"
            dst = "doc_" + regex.sub(r"\W", "_", dst[4:])
            if dst not in nodes:
                nodes[dst] = f"  {dst} [label={_dot_str(label)}, shape=note, style=dashed];"
            edge_lines.append(f"  {src} -> {dst} [style=dotted];")
    return "\n".join([*lines, *nodes.values(), *edge_lines, "}"]) + "\n"
