"""Names: the issuing unit named differently in its own plan, unit-type words that contradict the issuer's
type, and known misspellings of administrative terms.

- ``issuer_name_mismatch``: where a plan names itself — title, issuing sentence ("UBND xã X xây dựng Kế
  hoạch"), closing sentence ("Trên đây là Kế hoạch … trên địa bàn xã X"), header and signature — with the
  issuer's unit type but another name ("xã Lợi" for xã Tân Lợi, "huyện Đắk Song" in a plan of huyện Đắk
  Glong). Elsewhere in the body only a truncated name counts ("xã Lợi": its words a strict part of "Tân Lợi"),
  and only when the gazetteer has no unit of that name in the same district.
- ``scope_mismatch``: the reliable parts of unit-type contradictions: a ward's own bodies written with
  another commune type ("UBMTTQ xã" in a phường plan); villages ("thôn") in a ward plan whose sub-units are
  tổ dân phố; the plan's own figures given for another unit ("trên địa bàn thị xã có 17 hộ nghèo" when 17 is
  the ward's total).
- ``term_typo``: misspellings listed in corpus/reference/typos.yaml, a document type written twice, and a
  header place name that is not in the gazetteer but is one diacritic away from a unit that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import regex
import yaml

from kehoach.pipeline.checks.arithmetic import cell_value, table_views
from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.pipeline.reference import admin_units, name_key
from kehoach.pipeline.segment import AUTHORITY, PLACE_DATE

_TYPE_WORDS = r"thành\s+phố|thị\s+xã|thị\s+trấn|huyện|quận|tỉnh|xã|phường"
_NAME_WORD = r"(?:\p{Lu}[\p{L}'’]*|\d{1,3})"
_NAME_WORD_RE = regex.compile(_NAME_WORD)
_UNIT = regex.compile(
    rf"(?<!\p{{L}})(?P<type>(?i:{_TYPE_WORDS}))[ \t]*\n?[ \t]*(?P<name>{_NAME_WORD}(?:[ \t]*\n?[ \t]*{_NAME_WORD}){{0,4}})")
_LOCATIVE = regex.compile(r"(?:trên\s+địa\s+bàn|địa\s+bàn|toàn|của|tại|cả)\s+$", regex.I)
_CLOSING = regex.compile(r"(?<!\p{L})Trên\s+đây\s+là\s+[^\n]*", regex.I)
_ISSUING = regex.compile(r"(?:UBND|Ủy\s+ban\s+nhân\s+dân)\s+[^\n;.]{0,60}?(?:xây\s+dựng|ban\s+hành)\s+(?:Kế\s+hoạch|kế\s+hoạch)",
                         regex.I)
_COMMUNE_TYPES = {"xã", "phường", "thị trấn"}
_AUTHORITY_ABBR = {"TM", "KT", "TL", "TUQ", "Q"}
_POSITION_START = regex.compile(r"(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|TRƯỞNG\s+(?:BAN|PHÒNG)|BÍ\s+THƯ)(?!\p{L})")
_ABBREVIATION_DOT = regex.compile(r"\s*\.")  # "KT." "TM."
_PLURAL_BEFORE = regex.compile(r"(?:các|cấp|những)\s*$")  # "các xã", "cấp xã": not the unit's own body
_STATEMENT_END = regex.compile(r"\.(?!\d)|;|\n")


def _canon(type_word: str) -> str:
    return " ".join(type_word.casefold().split())


def _words(name: str) -> list[str]:
    return name_key(name).split()


@dataclass
class UnitMention:
    type: str
    name: str
    start: int  # the locative words before it when there are ("trên địa bàn xã Lợi")
    end: int
    type_start: int


def _name_end(text: str, m: regex.Match) -> int:
    """Where the name of a "<type> <Name>" match really ends: before a word that starts a signature line.

    In a signature block the authority line may name the unit type alone ("TM. UBND THỊ TRẤN") and the next
    line is another authority or position line ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"): those words are no name."""
    end = m.start("name")
    for w in _NAME_WORD_RE.finditer(text, m.start("name"), m.end("name")):
        after = text[w.end():w.end() + 3]
        if w.group(0) in _AUTHORITY_ABBR and _ABBREVIATION_DOT.match(after):
            break  # "KT." "TM." "TL." …
        if _POSITION_START.match(text, w.start()):
            break  # "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC" …
        if "\n" in text[end:w.start()]:
            eol = text.find("\n", w.start())
            if AUTHORITY.match(text[w.start():eol if eol != -1 else len(text)]):
                break  # a new line that is an authority line
        end = w.end()
    return end


def unit_mentions(text: str, lo: int = 0, hi: int | None = None) -> list[UnitMention]:
    """"<unit type> <Name>" in text[lo:hi], with the locative phrase before it. A unit type without a name
    ("TM. UBND THỊ TRẤN" above "KT. CHỦ TỊCH") is no mention."""
    hi = len(text) if hi is None else hi
    out = []
    for m in _UNIT.finditer(text, lo, hi):
        type_word = m.group("type")
        end = _name_end(text, m)
        if end <= m.start("name"):
            continue
        before = _LOCATIVE.search(text[max(0, m.start() - 20):m.start()])
        start = m.start() - (len(before.group(0)) if before else 0)
        out.append(UnitMention(_canon(type_word), " ".join(text[m.start("name"):end].split()), start, end, m.start()))
    return out


def _same(mention: list[str], issuer: list[str]) -> bool:
    """Same unit: equal names, or a name that runs on into the next words ("Ia Dom Phối hợp")."""
    return mention[:len(issuer)] == issuer


def _truncated(mention: list[str], issuer: list[str]) -> bool:
    """A strict part of the issuer's name in its order: "Lợi" of "Tân Lợi", "Tân" of "Tân Lợi"."""
    if not mention or len(mention) >= len(issuer):
        return False
    it = iter(issuer)
    return all(w in it for w in mention)


def _strong_regions(ctx: CheckContext) -> list[tuple[int, int, str]]:
    """Where a plan names itself: title, issuing sentence, closing sentence, header issuer lines, signature."""
    s = ctx.structure
    text = ctx.document.text
    out = []
    if s.title:
        out.append((s.title.start, s.title.end, "tiêu đề"))
    if s.header.issuer_lines:
        out.append((s.header.issuer_lines.start, s.header.issuer_lines.end, "đầu văn bản"))
    if s.closing.signature:
        out.append((s.closing.signature.start, s.closing.signature.end, "phần ký"))
    pre_lo = s.preamble.start if s.preamble else (s.title.end if s.title else 0)
    pre_hi = s.body.start if s.body else min(len(text), pre_lo + 3000)
    for m in _ISSUING.finditer(text, pre_lo, pre_hi):
        out.append((m.start(), m.end(), "câu ban hành"))
    for m in _CLOSING.finditer(text):
        out.append((m.start(), m.end(), "câu kết"))
    return out


def _gazetteer_has(ctx: CheckContext, type_word: str, name: str) -> bool:
    parent = ctx.plan.issuer.parent
    au = admin_units()
    try:
        found = au.find(type_word, name, within=parent) if parent else au.find(type_word, name)
    except (LookupError, ValueError):
        return False
    return bool(found)


def _other_level(ctx: CheckContext, m: UnitMention) -> bool:
    """Whether the mention names a unit of another level than the issuer (or the issuer's own parents)."""
    issuer = ctx.plan.issuer
    key = name_key(m.name)
    parents = [name_key(admin_units().split_type(x)[1]) for x in (issuer.parent, issuer.province) if x]
    if key in parents:
        return True
    try:
        found = admin_units().find(m.type, m.name)
    except (LookupError, ValueError):
        return False
    return bool(found) and issuer.level is not None and all(u.level != issuer.level for u in found)


@rule("issuer_name_mismatch", "error",
      "Đơn vị ban hành là {issuer} nhưng {where} ghi \"{quote}\" (dòng {line}).",
      "The issuer is {issuer} but the {where_en} says \"{quote}\" (line {line}).")
def issuer_name_mismatch(ctx: CheckContext):
    issuer = ctx.plan.issuer
    if not issuer.unit or not issuer.unit_type:
        return
    own_type = _canon(issuer.unit_type)
    own = _words(issuer.unit)
    text = ctx.document.text
    strong = _strong_regions(ctx)
    where_en = {"tiêu đề": "title", "đầu văn bản": "header", "phần ký": "signature", "câu ban hành": "issuing sentence",
                "câu kết": "closing sentence", "văn bản": "text"}
    reported: set[str] = set()
    for m in unit_mentions(text):
        if m.type != own_type:
            continue
        words = _words(m.name)
        if _same(words, own) or _same(own, words) and len(words) == len(own):
            continue
        if _other_level(ctx, m):
            continue  # "thành phố Hồ Chí Minh" in the title of a plan of thành phố Thủ Đức: its province
        region = next((label for a, b, label in strong if a <= m.type_start < b), None)
        if region is None:
            if not _truncated(words, own) or _gazetteer_has(ctx, m.type, m.name):
                continue
            region = "văn bản"
        elif not _truncated(words, own) and _same(words[:1], own[:1]) and len(words) > len(own):
            continue
        key = name_key(m.name)
        if key in reported:
            continue
        reported.add(key)
        span = ctx.span(m.start, m.end)
        yield [span], {"issuer": f"{issuer.unit_type} {issuer.unit}", "where": region, "where_en": where_en[region],
                       "quote": " ".join((span.text or "").split()), "line": span.line, "name": m.name}


_OWN_BODY = regex.compile(
    r"(?<!\p{L})(?P<body>UBMTTQ(?:VN)?|Ủy\s+ban\s+MTTQ(?:\s*VN|\s+Việt\s+Nam)?|Ủy\s+ban\s+Mặt\s+trận\s+Tổ\s+quốc(?:\s+Việt\s+Nam)?|"
    r"MTTQ(?:VN)?|Đảng\s+ủy|HĐND|Hội\s+đồng\s+nhân\s+dân|UBND|Ủy\s+ban\s+nhân\s+dân|Công\s+an|Trạm\s+[Yy]\s+tế|"
    r"[Đđ]oàn\s+thể|Ban\s+chỉ\s+đạo|BCĐ)\s+(?P<type>xã|phường|thị\s+trấn)(?!\p{L})(?![ \t]*(?:,|/|và|hoặc)[ \t]*(?:xã|phường|thị\s+trấn))"
    r"(?![ \t]+\p{Lu})")
_SUBUNIT_VILLAGE = regex.compile(r"(?<!\p{L})(?<![Nn]ông\s)(?:thôn|Thôn|THÔN)(?!\p{L})")
_SUBUNIT_URBAN = regex.compile(r"(?<!\p{L})(?:tổ\s+dân\s+phố|Tổ\s+dân\s+phố|TDP|khu\s+phố|Khu\s+phố)(?!\p{L})")
_STAT = regex.compile(
    rf"(?:toàn|trên\s+địa\s+bàn|cả)\s+(?P<type>{_TYPE_WORDS})(?:\s+{_NAME_WORD}){{0,3}}\s+(?:có|còn)\s+(?P<n>\d{{1,3}}(?:\.\d{{3}})*)\s+hộ",
    regex.I)


def _phrase(text: str, start: int, end: int, limit: int = 60) -> tuple[int, int]:
    """The phrase around [start, end): back to the previous , ; : ( tab or line start, forward to the next one."""
    lo = max(text.rfind(ch, max(0, start - limit), start) for ch in ",;:(\n\t")
    lo = lo + 1 if lo >= 0 else max(0, start - limit)
    while lo < start and text[lo] in " \t-*":
        lo += 1
    hi_candidates = [i for ch in ",;:)\n\t" if (i := text.find(ch, end, end + limit)) != -1]
    if hi_candidates:
        hi = min(hi_candidates)
    else:  # no punctuation near: stop at the last whole word within the limit
        hi = min(len(text), end + limit)
        space = text.rfind(" ", end, hi)
        hi = space if space > end and hi < len(text) else hi
    return lo, max(hi, end)


def _own_figures(ctx: CheckContext) -> set[int]:
    """The plan's own totals: its tables' total rows."""
    out = set()
    for view in table_views(ctx.document):
        for row in view.rows:
            if not row.total:
                continue
            for col in view.columns:
                cell = row.cells[col.index]
                v = cell_value(cell.text) if cell is not None and not col.rate else None
                if v is not None and v == v.to_integral_value() and v > 0:
                    out.add(int(v))
    return out


@rule("scope_mismatch", "warning",
      "Đơn vị ban hành là {issuer} nhưng văn bản ghi \"{quote}\" (dòng {line}): {detail}.",
      "The issuer is {issuer} but the plan writes \"{quote}\" (line {line}): {detail_en}.")
def scope_mismatch(ctx: CheckContext):
    issuer = ctx.plan.issuer
    if not issuer.unit_type:
        return
    own_type = _canon(issuer.unit_type)
    text = ctx.document.text
    label = f"{issuer.unit_type} {issuer.unit or ''}".strip()
    # (a) the plan's own bodies written with another commune type
    if own_type in _COMMUNE_TYPES:
        for m in _OWN_BODY.finditer(text):
            if _canon(m.group("type")) == own_type:
                continue
            before = text[max(0, m.start() - 12):m.start()].casefold()
            if _PLURAL_BEFORE.search(before):
                continue
            lo, hi = _phrase(text, m.start(), m.end())
            span = ctx.span(lo, hi)
            yield [span], {"issuer": label, "quote": " ".join((span.text or "").split()), "line": span.line,
                           "detail": f"cơ quan của đơn vị được ghi là \"{_canon(m.group('type'))}\"",
                           "detail_en": f"the unit's own body is written as of a \"{_canon(m.group('type'))}\""}
    # (b) villages under a ward whose sub-units are tổ dân phố
    if own_type == "phường" and _SUBUNIT_URBAN.search(text):
        spans = []
        for m in _SUBUNIT_VILLAGE.finditer(text):
            lo, hi = _phrase(text, m.start(), m.end(), 30)
            spans.append(ctx.span(lo, hi))
        if spans:
            limit = int(ctx.config.get("max_evidence", 4))
            yield spans[:limit], {"issuer": label, "quote": " ".join((spans[0].text or "").split()),
                                  "line": spans[0].line,
                                  "detail": "dùng \"thôn\" cho đơn vị dưới phường, trong khi văn bản gọi là tổ dân phố",
                                  "detail_en": "\"thôn\" (village) is used for the ward's sub-units, which the plan "
                                               "elsewhere calls tổ dân phố"}
    # (c) the plan's own totals given for a unit of another type
    figures = _own_figures(ctx)
    if figures:
        for m in _STAT.finditer(text):
            if _canon(m.group("type")) == own_type:
                continue
            n = int(m.group("n").replace(".", ""))
            if n not in figures:
                continue
            stop = _STATEMENT_END.search(text, m.end())
            end = stop.start() if stop else len(text)
            span = ctx.span(m.start(), end)
            yield [span], {"issuer": label, "quote": " ".join((span.text or "").split()), "line": span.line,
                           "detail": f"số liệu {n} hộ là tổng của chính {label} (bảng của kế hoạch), không phải của "
                                     f"{_canon(m.group('type'))}",
                           "detail_en": f"{n} households is the plan's own total (its table), not a figure of the "
                                        f"{_canon(m.group('type'))}"}


@lru_cache(maxsize=1)
def typos() -> dict:
    path = files("kehoach.reference") / "typos.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def _typo_patterns() -> list[tuple[regex.Pattern, dict]]:
    out = []
    for entry in typos().get("typos", []):
        body = r"\s+".join(regex.escape(w) for w in entry["wrong"].split())
        tail = "" if entry.get("prefix") else r"(?![\p{L}\d])"
        flags = 0 if entry.get("case") == "sensitive" else regex.I
        out.append((regex.compile(rf"(?<![\p{{L}}\d]){body}{tail}", flags), entry))
    return out


@lru_cache(maxsize=1)
def _duplicate_patterns() -> list[tuple[str, regex.Pattern]]:
    """A document type word written twice ("Nghị quyết Nghị quyết"), for each of typos.yaml ``duplicates``."""
    out = []
    for word in typos().get("duplicates", []):
        w = r"\s+".join(regex.escape(x) for x in word.split())
        out.append((word, regex.compile(rf"(?<!\p{{L}})({w})\s+\1(?!\p{{L}})", regex.I)))
    return out


def _word_before(text: str, pos: int, n: int = 2) -> str:
    return " ".join(text[max(0, pos - 30):pos].split()[-n:]).casefold()


def _typo_spans(ctx: CheckContext, start: int, end: int):
    """The misspelt words, and the phrase around them (what a reader quotes: "Ủy ban NTTQVN tỉnh")."""
    text = ctx.document.text
    while end < len(text) and text[end].isalpha():
        end += 1
    lo, hi = _phrase(text, start, end)
    return [ctx.span(start, end), ctx.span(lo, hi)]


@rule("term_typo", "info",
      "Viết sai \"{wrong}\", đúng là \"{right}\" ({count} lần, dòng {lines}).",
      "Misspelt \"{wrong}\" for \"{right}\" ({count} times, lines {lines}).")
def term_typo(ctx: CheckContext):
    text = ctx.document.text
    limit = int(ctx.config.get("max_evidence", 4))
    taken: list[tuple[int, int]] = []
    grouped: dict[str, list[tuple[regex.Match, dict]]] = {}
    for pattern, entry in _typo_patterns():
        hits = []
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # already reported by a longer entry ("Các áp/sóc" is one typo)
            before = _word_before(text, m.start())
            if any(before == w.casefold() or before.endswith(" " + w.casefold()) for w in entry.get("not_after", [])):
                continue
            nxt = text[m.end():m.end() + 20].split()
            if nxt and any(nxt[0].casefold().strip(",.;:") == w for w in entry.get("not_before", [])):
                continue
            hits.append(m)
        if not hits:
            continue
        taken.extend((m.start(), m.end()) for m in hits)
        grouped.setdefault(entry.get("group") or entry["wrong"], []).extend((m, entry) for m in hits)
    for hits in grouped.values():
        hits.sort(key=lambda h: h[0].start())
        spans = [s for m, _ in hits[:limit] for s in _typo_spans(ctx, m.start(), m.end())]
        lines = ", ".join(str(ctx.span(m.start(), m.end()).line) for m, _ in hits)
        first, entry = hits[0]
        yield spans, {"wrong": first.group(0), "right": entry["right"], "count": len(hits), "lines": lines}
    # a document type written twice: "Nghị quyết Nghị quyết số 05-NQ/TU"
    for word, pattern in _duplicate_patterns():
        for m in pattern.finditer(text):
            lo, hi = _phrase(text, m.start(), m.end())
            span = ctx.span(m.start(), m.end())
            yield [span, ctx.span(lo, hi)], {"wrong": " ".join(m.group(0).split()), "right": word, "count": 1,
                                             "lines": str(span.line)}
    # the header's place name one diacritic away from a unit of the gazetteer
    region = ctx.structure.header.place_date
    if region is not None and ctx.config.get("place_names", True):
        m = PLACE_DATE.search(text, region.start, region.end)
        if m:
            place = m.group("place").strip()
            au = admin_units()
            if not any(au.find(None, v) for v in _spellings(place)) and _accented(text):
                near = au.find(None, place, loose=True)
                names = sorted({u.name for u in near})
                if len(names) == 1:
                    span = ctx.span(m.start("place"), m.start("place") + len(place))
                    yield [span], {"wrong": place, "right": names[0], "count": 1, "lines": str(span.line)}


@lru_cache(maxsize=4096)
def _spellings(name: str) -> tuple[str, ...]:
    """The name and its accepted variant spellings (typos.yaml ``equivalent_spellings``: "Đắk" = "Đăk").

    Only the forms that occur in the name are expanded, so the list stays as small as the name's variants."""
    out = [name]
    for group in typos().get("equivalent_spellings", []):
        for form in group:
            word = regex.compile(rf"(?<!\p{{L}}){regex.escape(form)}(?!\p{{L}})")
            if not any(word.search(n) for n in out):
                continue
            out += [word.sub(other, n) for n in list(out) for other in group if other != form]
            out = list(dict.fromkeys(out))
    return tuple(out)


def _accented(text: str) -> bool:
    """Whether the document is written with diacritics at all (an unaccented copy misspells every name)."""
    letters = [c for c in text[:5000] if c.isalpha()]
    marked = sum(1 for c in letters if ord(c) > 127)
    return bool(letters) and marked / len(letters) > 0.1
