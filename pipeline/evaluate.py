"""Score extraction against gold annotations, with the rules of shared/gold/FORMAT.md.

Text compares after NFC, case folding and collapsing spaces and dashes. Header fields are exact (``issuer``:
equal level and unit; ``title``: similarity ratio ≥ 0.9; ``signer``: equal name); a header field counts one
true positive per document when right (both blank is right), and a false positive (a wrong value given) and/or
a false negative (a gold value missed) when wrong. Lists are matched one-to-one (maximum bipartite
matching) under each field's match rule and scored by precision, recall and F1. The date of a matched legal
reference is scored separately (``legal_bases.date``). ``period`` is scored too, exactly, although FORMAT.md
does not list it: the issue asks for it among the header fields.

Findings: a gold ``findings_expected`` entry is found when the plan has a finding of the same code whose
evidence covers the first quoted fragment (“…”, "…" or '…') of the gold detail that occurs in the document
(by code alone when no fragment does); plans whose gold expects no finding give the false-finding rate.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
from rapidfuzz import fuzz

from kehoach.parsers.errors import ParseError
from kehoach.schemas.document import Document
from kehoach.schemas.plan import Plan

HEADER_FIELDS = ("doc_type", "number", "symbol", "issuer", "place", "issue_date", "title", "period", "signer")
LIST_FIELDS = ("legal_bases", "references", "targets", "projects", "assignments", "budgets", "deadlines")
TITLE_MIN = 0.9
INDICATOR_MIN = 60
BODY_MIN = 85

_DASHES = regex.compile(r"\s*[\-\u2010-\u2015\u2212]+\s*")
_SPACES = regex.compile(r"\s+")
_QUOTED = regex.compile(r"“([^”]+)”|\"([^\"]+)\"|'([^']+)'")


def norm(text: Any) -> str:
    """NFC, case-folded, one dash without spaces around it, single spaces."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = _DASHES.sub("-", s)
    return _SPACES.sub(" ", s).strip()


def _date(value: Any) -> tuple | None:
    """(year, month, day) from a PartialDate, a {year, month, day} dict or an ISO / partial ISO string."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        value = value.model_dump()
    if isinstance(value, dict):
        parts = (value.get("year"), value.get("month"), value.get("day"))
        return None if parts == (None, None, None) else parts
    if isinstance(value, str):
        nums = [int(x) for x in value.split("-") if x.isdigit()]
        nums += [None] * (3 - len(nums))
        return tuple(nums[:3])
    return None


# --- counting --------------------------------------------------------------------------------------------


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Count) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def match_one_to_one(gold: list, pred: list, same: Callable[[Any, Any], bool]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching between gold and predicted items under ``same`` (Kuhn's algorithm)."""
    edges = [[j for j, p in enumerate(pred) if same(g, p)] for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


# --- the match rules -------------------------------------------------------------------------------------


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def same_ref(g: Any, p: Any) -> bool:
    """Equal number; a law cited without a number matches by type and title."""
    gn, pn = _get(g, "number"), _get(p, "number")
    if gn or pn:
        return norm(gn) == norm(pn)
    return norm(_get(g, "type")) == norm(_get(p, "type")) and fuzz.ratio(
        norm(_get(g, "title")), norm(_get(p, "title"))) >= TITLE_MIN * 100


def same_target(g: Any, p: Any) -> bool:
    gv, pv = _get(g, "value"), _get(p, "value")
    if gv is None or pv is None or abs(float(gv) - float(pv)) > 1e-9:
        return False
    if norm(_get(g, "unit")) != norm(_get(p, "unit")):
        return False
    return fuzz.partial_ratio(norm(_get(g, "indicator")), norm(_get(p, "indicator"))) >= INDICATOR_MIN


def same_project(g: Any, p: Any) -> bool:
    """Equal (project, subproject). Where the plan names a project only by its content, gold leaves
    ``project`` null and records the catalogue mapping in ``by_content_project``/``by_content_subproject``."""
    if _get(g, "project") is None and _get(g, "by_content_project") is not None:
        key = (_get(g, "by_content_project"), _get(g, "by_content_subproject"))
    else:
        key = (_get(g, "project"), _get(g, "subproject"))
    return key == (_get(p, "project"), _get(p, "subproject"))


def same_assignment(g: Any, p: Any) -> bool:
    return fuzz.token_set_ratio(norm(_get(g, "body")), norm(_get(p, "body"))) >= BODY_MIN


def same_budget(g: Any, p: Any) -> bool:
    return _get(g, "amount_vnd") is not None and _get(g, "amount_vnd") == _get(p, "amount_vnd")


def same_deadline(g: Any, p: Any) -> bool:
    return _date(_get(g, "date")) is not None and _date(_get(g, "date")) == _date(_get(p, "date"))


LIST_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "legal_bases": same_ref, "references": same_ref, "targets": same_target, "projects": same_project,
    "assignments": same_assignment, "budgets": same_budget, "deadlines": same_deadline,
}


def header_value(source: Any, name: str) -> Any:
    """The comparable value of a header field from a gold dict or a Plan."""
    value = _get(source, name)
    if name == "issuer":
        if value is None:
            return None
        level, unit = _get(value, "level"), _get(value, "unit")
        return None if level is None and unit is None else (norm(level), norm(unit))
    if name == "issue_date":
        return _date(value)
    if name == "period":
        if value is None:
            return None
        parts = (_get(value, "start_year"), _get(value, "end_year"))
        return None if parts == (None, None) else parts
    if name == "signer":
        return norm(_get(value, "name")) or None if value is not None else None
    if name == "doc_type":
        return norm(getattr(value, "value", value)) or None
    return norm(value) or None


def same_header(name: str, gold: Any, pred: Any) -> bool:
    if name == "title" and gold and pred:
        return fuzz.ratio(gold, pred) >= TITLE_MIN * 100
    return gold == pred


# --- one document ----------------------------------------------------------------------------------------


@dataclass
class DocScore:
    source: str
    counts: dict[str, Count] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    findings_expected: int = 0
    findings_found: int = 0
    findings_missed: list[str] = field(default_factory=list)
    clean: bool = False
    false_findings: int = 0


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def score_header(gold: dict, plan: Plan, out: DocScore) -> None:
    for name in HEADER_FIELDS:
        if name not in gold:
            continue
        g, p = header_value(gold, name), header_value(plan, name)
        c = Count()
        if same_header(name, g, p):
            c.tp = 1
        else:
            c.fp = int(p is not None)
            c.fn = int(g is not None)
            out.errors.append(f"{name}: gold {_show(g)} ≠ extracted {_show(p)}")
        out.counts[name] = c


def score_lists(gold: dict, plan: Plan, out: DocScore) -> None:
    for name in LIST_FIELDS:
        if name not in gold:
            continue
        g_items, p_items = list(gold.get(name) or []), list(getattr(plan, name))
        pairs = match_one_to_one(g_items, p_items, LIST_RULES[name])
        out.counts[name] = Count(len(pairs), len(p_items) - len(pairs), len(g_items) - len(pairs))
        matched_g = {i for i, _ in pairs}
        matched_p = {j for _, j in pairs}
        for i, item in enumerate(g_items):
            if i not in matched_g:
                out.errors.append(f"{name}: missed {_brief(name, item)}")
        for j, item in enumerate(p_items):
            if j not in matched_p:
                out.errors.append(f"{name}: extra {_brief(name, item)}")
        if name in ("legal_bases", "references"):
            dc = Count()
            for i, j in pairs:
                gd, pd = _date(_get(g_items[i], "date")), _date(_get(p_items[j], "date"))
                if gd == pd:
                    dc.tp += 1
                else:
                    dc.fp += int(pd is not None)
                    dc.fn += int(gd is not None)
                    out.errors.append(f"{name}.date: {_get(g_items[i], 'number')} gold {gd} ≠ extracted {pd}")
            out.counts[f"{name}.date"] = dc
    if "legal_bases" in gold and "references" in gold:
        g_all = list(gold.get("legal_bases") or []) + list(gold.get("references") or [])
        p_all = plan.all_refs()
        pairs = match_one_to_one(g_all, p_all, same_ref)
        out.counts["legal_refs (any list)"] = Count(len(pairs), len(p_all) - len(pairs), len(g_all) - len(pairs))


def _brief(name: str, item: Any) -> str:
    keys = {"legal_bases": ("type", "number", "title"), "references": ("type", "number", "title"),
            "targets": ("indicator", "value", "unit"), "projects": ("project", "subproject"),
            "assignments": ("body",), "budgets": ("amount_vnd",), "deadlines": ("date", "what")}[name]
    values = []
    for k in keys:
        v = _get(item, k)
        if hasattr(v, "model_dump"):
            v = v.model_dump()
        if isinstance(v, str) and len(v) > 60:
            v = v[:57] + "…"
        values.append(v)
    return _show(values)


def quoted_fragments(detail: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _QUOTED.finditer(detail or "")]


def _locate(fragment: str, text: str) -> list[tuple[int, int]]:
    """Every place a quoted fragment occurs in the document, tolerant of line breaks and dash spacing.

    A short quote ("thôn") may occur inside other words first ("nông thôn"); the finding must cover one of
    the occurrences, not necessarily the first."""
    words = regex.split(r"\s+", fragment.strip())
    if not words or not words[0]:
        return []
    pattern = r"(?<!\w)" + r"\s+".join(regex.escape(w).replace(r"\-", r"\s*-\s*") for w in words) + r"(?!\w)"
    return [(m.start(), m.end()) for m in regex.finditer(pattern, text, regex.I)]


def _covers(spans: Iterable[Any], start: int, end: int) -> bool:
    """The union of the spans covers [start, end)."""
    pos = start
    for s in sorted(spans, key=lambda s: _get(s, "start")):
        if _get(s, "start") <= pos < _get(s, "end"):
            pos = _get(s, "end")
        if pos >= end:
            return True
    return pos >= end


def score_findings(gold: dict, plan: Plan, document: Document, out: DocScore) -> None:
    expected = gold.get("findings_expected")
    if expected is None:
        return
    if not expected:
        out.clean = True
        out.false_findings = len(plan.findings)
        return
    out.findings_expected = len(expected)
    used: set[int] = set()
    for item in expected:
        code, detail = item.get("code"), item.get("detail", "")
        places = next((locs for f in quoted_fragments(detail) if (locs := _locate(f, document.text))), None)
        hit = None
        for k, finding in enumerate(plan.findings):
            if k in used or finding.code != code:
                continue
            if places is None or any(_covers(finding.evidence, *where) for where in places):
                hit = k
                break
        if hit is None:
            out.findings_missed.append(f"{code}: {detail[:90]}")
        else:
            used.add(hit)
            out.findings_found += 1


def score_document(gold: dict, plan: Plan, document: Document) -> DocScore:
    out = DocScore(source=gold.get("source") or plan.source)
    score_header(gold, plan, out)
    score_lists(gold, plan, out)
    score_findings(gold, plan, document, out)
    return out


# --- a gold directory ------------------------------------------------------------------------------------


def document_dirs(gold_dir: Path, docs: Path | None = None) -> list[Path]:
    """Where the documents of a gold folder are: --docs, else next to it (corpus/gold ↔ corpus/seeds,
    synthetic/gold ↔ synthetic/plans, chains/<x>/gold ↔ chains/<x>)."""
    if docs is not None:
        return [docs]
    parent = gold_dir.parent
    return [parent / "seeds", parent / "plans", parent]


def find_document(gold: dict, gold_path: Path, dirs: list[Path]) -> Path | None:
    name = gold.get("source") or gold_path.with_suffix(".txt").name
    for d in dirs:
        candidate = d / name
        if candidate.is_file():
            return candidate
    return None


@dataclass
class Report:
    docs: list[DocScore] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, Count]:
        order = [*HEADER_FIELDS, "legal_bases", "legal_bases.date", "references", "references.date",
                 "legal_refs (any list)", "targets", "projects", "assignments", "budgets", "deadlines"]
        out: dict[str, Count] = {}
        for name in order:
            for d in self.docs:
                if name in d.counts:
                    out.setdefault(name, Count()).add(d.counts[name])
        return out

    @property
    def findings_recall(self) -> tuple[int, int]:
        return sum(d.findings_found for d in self.docs), sum(d.findings_expected for d in self.docs)

    @property
    def false_findings_per_10(self) -> tuple[float | None, int]:
        clean = [d for d in self.docs if d.clean]
        if not clean:
            return None, 0
        return 10 * sum(d.false_findings for d in clean) / len(clean), len(clean)

    def as_dict(self) -> dict:
        found, expected = self.findings_recall
        rate, n_clean = self.false_findings_per_10
        return {
            "documents": len(self.docs),
            "fields": {k: v.as_dict() for k, v in self.totals().items()},
            "findings": {"expected": expected, "found": found,
                         "recall": round(found / expected, 4) if expected else None,
                         "clean_plans": n_clean, "false_findings_per_10_clean_plans": rate},
            "per_document": [
                {"source": d.source, "fields": {k: v.as_dict() for k, v in d.counts.items()}, "errors": d.errors,
                 "findings_expected": d.findings_expected, "findings_found": d.findings_found,
                 "findings_missed": d.findings_missed, "false_findings": d.false_findings if d.clean else None}
                for d in self.docs
            ],
            "missing_documents": self.missing,
            "failed_documents": self.failed,
        }


def evaluate(gold_dirs: list[Path], docs: Path | None = None,
             extract: Callable[[Path], tuple[Plan, Document]] | None = None) -> Report:
    """Extract every document that has a gold file in ``gold_dirs`` and score it."""
    if extract is None:
        extract = _extract
    report = Report()
    for gold_dir in gold_dirs:
        dirs = document_dirs(gold_dir, docs)
        for gold_path in sorted(gold_dir.glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            if not isinstance(gold, dict) or "source" not in gold and "doc_type" not in gold:
                continue
            path = find_document(gold, gold_path, dirs)
            if path is None:
                report.missing.append(str(gold_path))
                continue
            try:
                plan, document = extract(path)
            except ParseError as exc:
                report.failed.append(f"{path}: {exc}")
                continue
            report.docs.append(score_document(gold, plan, document))
    return report


def _extract(path: Path) -> tuple[Plan, Document]:
    import kehoach

    document = kehoach.read(path)
    return kehoach.extract(document), document
