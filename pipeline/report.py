"""The audit report: one self-contained HTML file an auditor opens in a browser, built from the plan database.

Per plan: its header (unit, number, date, title, file), its findings grouped by severity, each with the
exact words or table cell that show it (the evidence span's text, highlighted in its line, with line or
page) and, for cross-level findings, the higher plan's evidence beside it; the higher plans it implements
and the references the database cannot resolve. Then the files that could not be read, with their outcome.

Document text is untrusted: it only reaches the page through Jinja2 with autoescape on, never marked safe,
and a Content-Security-Policy allows no script but the page's own filter (by hash), no remote resource.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, defer

from kehoach.pipeline.store.db import Store
from kehoach.pipeline.store.graph import PlanIndex, PlanInfo, find_plans, fold, plan_infos, plans_of_unit, unit_key
from kehoach.pipeline.store.models import DocumentRow, FindingRow, LegalRefRow, PlanRow

SEVERITIES = ("error", "warning", "info")
LEVEL_NAMES = {"trung_uong": "Trung ương", "tinh": "Tỉnh", "huyen": "Huyện", "xa": "Xã"}
LINK_NAMES = {
    "exact_number_date": "viện dẫn đúng số và ngày",
    "number_only": "viện dẫn đúng số, ngày khác hoặc thiếu",
    "unit_level_year": "theo đơn vị ban hành và năm",
    "hierarchy": "theo địa giới hành chính (không viện dẫn)",
}
CONTEXT = 140  # characters of the line shown on each side of the evidence
_CHUNK = 500


class ReportSelectionError(ValueError):
    """--unit or --plan named nothing in the database."""


# --- what the template shows ------------------------------------------------------------------------------

@dataclass
class Quote:
    """One evidence span: its exact text, the rest of its line around it, and where it is."""

    text: str
    before: str = ""
    after: str = ""
    line: int | None = None
    page: int | None = None

    @property
    def where(self) -> str:
        parts = [f"trang {self.page}" if self.page else "", f"dòng {self.line}" if self.line else ""]
        return ", ".join(p for p in parts if p)


@dataclass
class FindingView:
    code: str
    severity: str
    message: str
    message_en: str | None
    origin: str
    evidence: list[Quote]
    related: list[Quote] = field(default_factory=list)
    related_label: str | None = None
    related_anchor: str | None = None
    related_source: str | None = None


@dataclass
class LinkView:
    label: str
    source: str
    anchor: str | None
    how: str
    confidence: float


@dataclass
class MissingView:
    unit: str
    evidence: Quote | None


@dataclass
class PlanView:
    id: int
    anchor: str
    source: str
    issuer: str
    level: str
    within: str  # the district and province the unit belongs to
    number: str
    date: str
    title: str
    period: str
    version: int
    doc_type: str | None
    findings: dict[str, list[FindingView]]
    missing: list[MissingView]
    implements: list[LinkView]
    implemented_by: list[LinkView]
    unresolved: list[str]

    @property
    def counts(self) -> dict[str, int]:
        c = {s: len(self.findings.get(s, [])) for s in SEVERITIES}
        c["warning"] += len(self.missing)
        return c

    @property
    def worst(self) -> str:
        return next((s for s in SEVERITIES if self.counts[s]), "none")


@dataclass
class FailedView:
    path: str
    outcome: str
    error: str | None
    format: str | None
    size: int | None
    last_seen: str


@dataclass
class ReportView:
    generated: str
    database: str
    selection: str | None
    plans: list[PlanView]
    failed: list[FailedView]
    by_code: list[tuple[str, str, int]]
    by_level: list[tuple[str, int]]

    @property
    def totals(self) -> dict[str, int]:
        out = Counter()
        for p in self.plans:
            out.update(p.counts)
        return {s: out[s] for s in SEVERITIES}


# --- building it from the store ---------------------------------------------------------------------------

def _quote(span: dict, text: str | None) -> Quote:
    """The span's text, and its line around it when the stored text agrees with the span."""
    start, end = span.get("start"), span.get("end")
    quoted = span.get("text")
    if text is not None and start is not None and end is not None and 0 <= start <= end <= len(text):
        exact = text[start:end]
        if quoted is None or quoted == exact:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            before, after = text[line_start:start], text[end:line_end]
            if len(before) > CONTEXT:
                before = "…" + before[-CONTEXT:]
            if len(after) > CONTEXT:
                after = after[:CONTEXT] + "…"
            return Quote(exact, before, after, span.get("line"), span.get("page"))
    return Quote(quoted or "", line=span.get("line"), page=span.get("page"))


def _date(year: int | None, month: int | None, day: int | None) -> str:
    """dd/mm/yyyy with "…" for each part a draft leaves blank."""
    if not (year or month or day):
        return "—"
    return "/".join((f"{day:02d}" if day else "…", f"{month:02d}" if month else "…", str(year) if year else "…"))


def _within(p: PlanRow) -> str:
    """'huyện Hớn Quản, Bình Phước' for a commune; the province for a district; nothing for a province."""
    parts: list[str] = []
    for name in (p.parent, p.province):
        if name and fold(name) not in (fold(p.unit), *map(fold, parts)) and unit_key(name) != unit_key(p.unit):
            parts.append(name)
    return ", ".join(parts)


def _label(p: PlanInfo | PlanRow) -> str:
    number = f"{p.number}/{p.symbol}" if p.number else (f"…/{p.symbol}" if p.symbol else "(chưa có số)")
    return f"{number} — {p.issuer_name or p.unit or '?'}"


def _by_id(session: Session, model, column, ids: set[int], *options) -> list:
    ordered, rows = sorted(ids), []
    for i in range(0, len(ordered), _CHUNK):
        rows += session.scalars(select(model).where(column.in_(ordered[i:i + _CHUNK])).options(*options)).all()
    return rows


def _texts(session: Session, plan_ids: set[int]) -> dict[int, str | None]:
    ordered, out = sorted(plan_ids), {}
    for i in range(0, len(ordered), _CHUNK):
        out.update(session.execute(
            select(PlanRow.id, DocumentRow.text).join(DocumentRow, DocumentRow.id == PlanRow.document_id)
            .where(PlanRow.id.in_(ordered[i:i + _CHUNK]))
        ).all())
    return out


def _collate(text: str | None) -> str:
    """Vietnamese reading order, roughly: base letters first ("Bắc" before "Bình"), đ after d."""
    base = "".join(ch for ch in unicodedata.normalize("NFD", fold(text)) if not unicodedata.combining(ch))
    return base.replace("đ", "d~")


def _order(p: PlanRow) -> tuple:
    """Province by province; each district followed by its communes; then by date."""
    province = _collate(p.province) or "~"
    if p.level == "tinh":
        place = ("", 0, "")
    elif p.level == "huyen":
        place = (_collate(unit_key(p.unit) or p.unit), 1, "")
    else:
        place = (_collate(unit_key(p.parent) or p.parent), 2, _collate(p.unit))
    return (province, *place, p.issue_date or "", p.source)


def build_report(session: Session, selected: list[PlanInfo] | None = None, *, database: str = "",
                 selection: str | None = None) -> ReportView:
    """Everything the report shows, for the selected plans (default: every current plan)."""
    from kehoach.pipeline.checks.crosslevel import find_links

    infos = plan_infos(session)
    index = PlanIndex.build(infos)
    ids = {p.id for p in (selected if selected is not None else infos)}
    plans = sorted(_by_id(session, PlanRow, PlanRow.id, ids, defer(PlanRow.json)), key=_order)
    findings = _by_id(session, FindingRow, FindingRow.plan_id, ids)
    findings_of = defaultdict(list)
    for f in findings:
        findings_of[f.plan_id].append(f)
    related_ids = {f.related_plan_id for f in findings if f.related_plan_id}
    texts = _texts(session, ids | related_ids)
    related_rows = {p.id: p for p in _by_id(session, PlanRow, PlanRow.id, related_ids - ids, defer(PlanRow.json))}
    related_rows.update({p.id: p for p in plans})

    links = find_links(session, index)
    up, down = defaultdict(list), defaultdict(list)
    for link in links:
        up[link.lower.id].append(link)
        down[link.higher.id].append(link)
    refs = defaultdict(list)
    for ref in _by_id(session, LegalRefRow, LegalRefRow.plan_id, ids):
        if ref.resolution == "unresolved":
            refs[ref.plan_id].append(ref)

    def anchor(pid: int | None) -> str | None:
        return f"plan-{pid}" if pid in ids else None

    def link_view(other: PlanInfo, how: str, confidence: float) -> LinkView:
        return LinkView(_label(other), other.source, anchor(other.id), LINK_NAMES.get(how, how), confidence)

    views: list[PlanView] = []
    code_counts: Counter = Counter()
    for p in plans:
        text = texts.get(p.id)
        grouped: dict[str, list[FindingView]] = defaultdict(list)
        missing: list[MissingView] = []
        for f in sorted(findings_of.get(p.id, []), key=lambda f: (f.span_start or 0, f.id)):
            code_counts[(f.severity, f.code)] += 1
            if f.code == "missing_submission":
                unit = (f.data or {}).get("unit") or f.message
                missing.append(MissingView(unit, _quote(f.evidence[0], text) if f.evidence else None))
                continue
            higher = related_rows.get(f.related_plan_id) if f.related_plan_id else None
            grouped[f.severity].append(FindingView(
                code=f.code, severity=f.severity, message=f.message, message_en=f.message_en, origin=f.origin,
                evidence=[_quote(s, text) for s in f.evidence or []],
                related=[_quote(s, texts.get(f.related_plan_id)) for s in f.related or []],
                related_label=_label(higher) if higher is not None else None,
                related_anchor=anchor(f.related_plan_id), related_source=f.related_source,
            ))
        if p.period_start and p.period_end and p.period_start != p.period_end:
            period = f"{p.period_start}–{p.period_end}"
        else:
            period = str(p.period_start or p.period_end or "—")
        unresolved = []
        for r in sorted(refs.get(p.id, []), key=lambda r: r.ord):
            bits = [r.type or "", r.number or "(không số)", f"ngày {r.date}" if r.date else "", r.issuer or ""]
            unresolved.append(" ".join(b for b in bits if b))
        views.append(PlanView(
            id=p.id, anchor=f"plan-{p.id}", source=p.source, issuer=p.issuer_name or p.unit or "?",
            level=LEVEL_NAMES.get(p.level or "", p.level or "?"), within=_within(p),
            number=(f"{p.number}/{p.symbol}" if p.number else f"…/{p.symbol or ''} (chưa có số)"),
            date=_date(p.issue_year, p.issue_month, p.issue_day), title=p.title or "(không có tiêu đề)",
            period=period, version=p.version, doc_type=p.doc_type,
            findings={s: grouped[s] for s in SEVERITIES if grouped.get(s)}, missing=missing,
            implements=[link_view(lk.higher, lk.resolution, lk.confidence) for lk in up.get(p.id, [])],
            implemented_by=[link_view(lk.lower, lk.resolution, lk.confidence) for lk in down.get(p.id, [])],
            unresolved=unresolved,
        ))

    failed = [
        FailedView(d.path, d.outcome, d.error, d.format, d.size, d.last_seen.strftime("%Y-%m-%d %H:%M"))
        for d in session.scalars(select(DocumentRow).where(DocumentRow.outcome != "ok")
                                 .order_by(DocumentRow.path).options(defer(DocumentRow.text)))
    ] if selected is None else []
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    by_code = sorted(((s, c, n) for (s, c), n in code_counts.items()), key=lambda x: (rank.get(x[0], 9), -x[2], x[1]))
    by_level = Counter(v.level for v in views)
    return ReportView(
        generated=datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z"), database=database,
        selection=selection, plans=views, failed=failed, by_code=by_code,
        by_level=[(name, by_level[name]) for name in LEVEL_NAMES.values() if by_level[name]],
    )


# --- rendering ----------------------------------------------------------------------------------------

_env = Environment(loader=PackageLoader("kehoach.pipeline", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)

# The page's only script: filter plans by text and hide severities. Allowed by its hash in the CSP.
FILTER_SCRIPT = """
(function () {
  var box = document.getElementById('filters'); box.hidden = false;
  var q = document.getElementById('q'), plans = document.querySelectorAll('section.plan');
  function apply() {
    var needle = q.value.trim().toLowerCase();
    document.querySelectorAll('input[data-sev]').forEach(function (c) {
      document.body.classList.toggle('hide-' + c.dataset.sev, !c.checked);
    });
    plans.forEach(function (p) {
      p.hidden = needle !== '' && p.textContent.toLowerCase().indexOf(needle) < 0;
    });
  }
  box.addEventListener('input', apply);
})();
""".strip()


def render_report(view: ReportView) -> str:
    digest = base64.b64encode(hashlib.sha256(FILTER_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'"
    return _env.get_template("report.html.j2").render(
        report=view, csp=csp, script=FILTER_SCRIPT, severities=SEVERITIES,
    )


def select_plans(session: Session, unit: str | None = None, plan: str | None = None) -> list[PlanInfo] | None:
    """The plans --unit or --plan name (None: all); nothing found is an error, not an empty report."""
    if unit and plan:
        raise ReportSelectionError("give --unit or --plan, not both")
    if not unit and not plan:
        return None
    found = plans_of_unit(session, unit) if unit else find_plans(session, plan)
    if not found:
        raise ReportSelectionError(f"no plan in the database for {'unit' if unit else 'plan'} {unit or plan!r}")
    return found


def write_report(store: Store, out: str | Path, *, unit: str | None = None, plan: str | None = None) -> int:
    """Write the report for the store (or the selected plans) to ``out`` atomically; returns the number of
    plans in it."""
    with store.session() as session:
        selected = select_plans(session, unit, plan)
        selection = f"đơn vị {unit}" if unit else (f"kế hoạch {plan}" if plan else None)
        view = build_report(session, selected, database=make_url(store.url).render_as_string(hide_password=True),
                            selection=selection)
    html = render_report(view)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return len(view.plans)
