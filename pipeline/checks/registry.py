"""The registry of internal rules. A rule is a small function ``(ctx) -> Iterable[Finding]`` registered
under a stable code; ``corpus/reference/checks.yaml`` enables it and sets its severity and thresholds."""

from __future__ import annotations

import functools
import importlib
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import yaml

from kehoach.pipeline.nlp import evidence
from kehoach.schemas.document import Document
from kehoach.schemas.plan import Finding, Plan, Severity, Span
from kehoach.schemas.structure import Structure

# Modules holding rules, one per concern; importing them registers their rules.
RULE_MODULES = [
    "kehoach.pipeline.checks.drafts",
    "kehoach.pipeline.checks.numbering",
    "kehoach.pipeline.checks.closing",
    "kehoach.pipeline.checks.arithmetic",
    "kehoach.pipeline.checks.percentages",
    "kehoach.pipeline.checks.amounts",
    "kehoach.pipeline.checks.citations",
    "kehoach.pipeline.checks.dates",
    "kehoach.pipeline.checks.catalogue",
    "kehoach.pipeline.checks.naming",
    "kehoach.pipeline.checks.attachments",
    "kehoach.pipeline.checks.authority",
    "kehoach.pipeline.checks.baselines",
]


def memo_last(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Memoise a pure function of one object (a Document, a rule's configuration) for the object it last saw.

    Several rules read the same view derived from one Document (its tables read for arithmetic …) or build the
    same patterns from one configuration; the rules of a run see one Document and the same configuration
    objects, so one remembered result serves them all. Objects are told apart by identity, so the argument
    must not change while it is remembered; the result is shared: callers must not change it either."""
    last: tuple[Any, Any] = (None, None)

    @functools.wraps(func)
    def wrapper(obj: Any) -> Any:
        nonlocal last
        seen, result = last
        if seen is not obj or obj is None:
            result = func(obj)
            last = (obj, result)
        return result

    return wrapper


@dataclass
class CheckContext:
    """What a rule may read: the plan, its document and structure, and its own configuration."""

    plan: Plan
    document: Document
    config: dict[str, Any] = field(default_factory=dict)
    _shared: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def structure(self) -> Structure:
        from kehoach.pipeline.segment import segment

        return segment(self.document)

    def shared(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per run under ``key``: what several rules derive from the plan alike (the dates
        each citation is given …). The result is shared: callers must not change it."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def span(self, start: int, end: int) -> Span:
        return evidence(self.document, start, end)

    def text(self, start: int, end: int) -> str:
        return self.document.text[start:end]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    message: str  # Vietnamese, str.format(**data)
    message_en: str
    func: Callable[[CheckContext], Iterable[tuple[list[Span], dict]]]


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, message: str, message_en: str):
    """Register a rule. The function yields (evidence spans, data); data fills the message templates."""

    def wrap(func):
        RULES[code] = Rule(code, severity, message, message_en, func)
        return func

    return wrap


@lru_cache(maxsize=1)
def config() -> dict[str, dict]:
    path = resources.files("kehoach.reference") / "checks.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _load_rules() -> dict[str, Rule]:
    for module in RULE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return RULES


def run_internal(plan: Plan, document: Document, only: set[str] | None = None,
                 structure: Structure | None = None, timings: dict[str, float] | None = None) -> list[Finding]:
    """Run the enabled rules; pass the Structure when the caller has segmented the document already.

    With ``timings``, each rule's running time in seconds is added under its code (benchmarks/extract.py)."""
    rules = _load_rules()
    settings = config()
    findings: list[Finding] = []
    ctx = CheckContext(plan=plan, document=document)
    if structure is not None:
        ctx.__dict__["structure"] = structure  # fills the cached_property
    for code, r in rules.items():
        conf = settings.get(code, {})
        if not conf.get("enabled", True) or (only and code not in only):
            continue
        ctx.config = conf
        started = time.perf_counter()
        try:
            for spans, data in r.func(ctx):
                if not spans:
                    continue  # a finding without evidence is a bug: never emit one
                findings.append(Finding(
                    code=code, severity=conf.get("severity", r.severity),
                    message=r.message.format(**data), message_en=r.message_en.format(**data),
                    evidence=spans, data=data,
                ))
        except Exception as exc:  # one rule's bug on an unusual plan must not cost the plan its extraction
            document.meta.warnings.append(f"check {code} failed: {type(exc).__name__}: {exc}")
        if timings is not None:
            timings[code] = timings.get(code, 0.0) + time.perf_counter() - started
    findings.sort(key=lambda f: (f.evidence[0].start, f.code))
    return findings
