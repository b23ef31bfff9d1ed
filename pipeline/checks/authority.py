"""Authority: a plan gives direct tasks only to bodies of its own level or below.

- ``authority_level_mismatch``: a plan of level L tasks a body of a higher level directly — "7. Bảo hiểm xã hội
  Tỉnh: Thực hiện cấp thẻ bảo hiểm y tế …" in a city plan — where it may only ask ("Đề nghị …") or work with
  it ("phối hợp với …"). The body's level is read from the unit word after its name ("… tỉnh", "… huyện")
  or, for a body that exists at one level only (Sở …, Bộ …), from corpus/reference/bodies.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from kehoach.pipeline.checks.registry import CheckContext, memo_last, rule
from kehoach.pipeline.reference import bodies, body_key

ORDER = {"xa": 0, "huyen": 1, "tinh": 2, "trung_uong": 3}
_LEVEL_NAMES = {"xa": "cấp xã", "huyen": "cấp huyện", "tinh": "cấp tỉnh", "trung_uong": "trung ương"}
_LEVEL_EN = {"xa": "commune", "huyen": "district", "tinh": "provincial", "trung_uong": "central"}
DEFAULT_UNIT_WORDS = {"tỉnh": "tinh", "cấp tỉnh": "tinh", "huyện": "huyen", "cấp huyện": "huyen", "quận": "huyen",
                      "thị xã": "huyen", "thành phố": "thanh_pho", "trung ương": "trung_uong", "xã": "xa",
                      "phường": "xa", "thị trấn": "xa"}


_CLAUSE_BREAK = regex.compile(r"[.;:](?:\s|$)|\n\s*\n")  # what closes the heading or clause a body opens
_TASK_END = regex.compile(r"[.;](?:\s|$)|\n\s*\n")
_TASK_LEAD = regex.compile(r"[\s:.\-–]*")


def _alt(words) -> str:
    return "|".join(r"\s+".join(map(regex.escape, w.split())) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True, eq=False)
class _Grammar:
    """The patterns of one authority_level_mismatch configuration."""

    unit_words: dict[str, str]
    unit_at_end: regex.Pattern  # "… tỉnh Gia Lai" closing a body's name
    level_prefixes: dict[str, str]
    prefix_at_start: regex.Pattern | None  # "Sở …", "Bộ …" opening it
    ask: regex.Pattern  # "Đề nghị …" before a body
    object_of: regex.Pattern  # "phối hợp với …" before a body
    joint: regex.Pattern  # "…: phối hợp …" after it


@memo_last
def _grammar(conf: dict) -> _Grammar:
    words = conf.get("unit_words") or DEFAULT_UNIT_WORDS
    proper = r"\s+(?-i:\p{Lu})[\p{L}'’]*"  # a unit's own name after its type ("… tỉnh Gia Lai")
    prefixes = conf.get("level_prefixes") or {}
    not_after = _alt(conf.get("not_after_prefix", ["đội"]))
    object_words = _alt(conf.get("object_words", ["phối hợp với", "với"]))
    return _Grammar(
        unit_words=words,
        unit_at_end=regex.compile(rf"(?<!\p{{L}})(?P<u>{_alt(words)})(?!\s+hội)(?:{proper}){{0,4}}\s*$", regex.I),
        level_prefixes=prefixes,
        prefix_at_start=regex.compile(rf"\s*(?:các\s+)?(?P<p>{_alt(prefixes)})(?!\p{{L}})(?!\s+(?:{not_after}))",
                                      regex.I) if prefixes else None,
        ask=regex.compile(rf"(?<!\p{{L}})(?:{_alt(conf.get('request_words', ['đề nghị']))})(?!\p{{L}})", regex.I),
        object_of=regex.compile(rf"(?<!\p{{L}})(?:{object_words})\s*$", regex.I),
        joint=regex.compile(rf"^[\s:.\-–]*(?:{_alt(conf.get('joint_words', ['phối hợp']))})(?!\p{{L}})", regex.I),
    )


def body_level(name: str, issuer_level: str | None, issuer_type: str | None, conf: dict) -> str | None:
    """The level of a body as the plan names it, or None when the name does not say."""
    g = _grammar(conf)
    words = g.unit_words
    m = g.unit_at_end.search(name)
    if m:
        level = words[" ".join(m.group("u").casefold().split())]
        if level == "thanh_pho":  # a city is a district-level unit unless the plan is the province's
            if issuer_level == "tinh" or (issuer_type or "").casefold() == "thành phố":
                return None
            return "huyen"
        return level
    prefixes = g.level_prefixes
    lead = g.prefix_at_start.match(name) if g.prefix_at_start is not None else None
    if lead:
        return prefixes[next(k for k in prefixes if k.casefold() == " ".join(lead.group("p").casefold().split()))]
    body = bodies().match(name)
    if body is not None and len(body.levels) == 1 and body.kind in conf.get("single_level_kinds", ["chuyen_mon"]):
        return body.levels[0]
    return None


@rule("authority_level_mismatch", "info",
      "Kế hoạch {own} giao nhiệm vụ trực tiếp cho cơ quan cấp trên: {bodies}; với cơ quan cấp trên kế hoạch chỉ "
      "\"đề nghị\" hoặc \"phối hợp\".",
      "A {own_en} plan gives direct tasks to higher-level bodies: {bodies}; it may only ask them (\"đề nghị\") "
      "or work with them (\"phối hợp\").")
def authority_level_mismatch(ctx: CheckContext):
    issuer = ctx.plan.issuer
    if issuer.level not in ORDER:
        return
    text = ctx.document.text
    conf = ctx.config
    g = _grammar(conf)
    ask, object_of, joint = g.ask, g.object_of, g.joint
    found: dict[str, tuple] = {}
    for a in ctx.plan.assignments:
        if a.span is None or a.role in set(conf.get("skip_roles", ["de_nghi"])):
            continue
        level = body_level(a.body, issuer.level, issuer.unit_type, conf)
        if level is None or ORDER[level] <= ORDER[issuer.level]:
            continue
        before = text[max(0, a.span.start - 80):a.span.start]
        before = _CLAUSE_BREAK.split(before)[-1]  # the heading or clause the body opens
        if ask.search(before) or object_of.search(before):
            continue  # "Đề nghị Bảo hiểm xã hội tỉnh …", "3. Đề nghị\nỦy ban MTTQVN tỉnh", "phối hợp với …"
        after = text[a.span.end:a.span.end + 200]
        if joint.match(after):
            continue  # "Bảo hiểm xã hội tỉnh: phối hợp …"
        lead = _TASK_LEAD.match(after).end()
        stop = _TASK_END.search(after, lead)
        task_end = a.span.end + (stop.start() if stop else len(after.rstrip()))
        key = body_key(a.body)
        if key not in found:
            found[key] = (a, level, task_end)
    if not found:
        return
    spans, names = [], []
    for a, level, task_end in sorted(found.values(), key=lambda x: x[0].span.start):
        spans.append(ctx.span(a.span.start, max(a.span.end, task_end)))
        names.append(f"{' '.join(a.body.split())} ({_LEVEL_NAMES[level]}, dòng {a.span.line})")
    yield spans, {"own": _LEVEL_NAMES[issuer.level], "own_en": _LEVEL_EN[issuer.level], "bodies": "; ".join(names),
                  "levels": sorted({lv for _, lv, _ in found.values()})}
