"""Projects and sub-projects that do not exist in the programme they are written under.

A national target programme is split into numbered projects ("Dự án 1" … "Dự án 7" of the poverty programme,
QĐ 90/QĐ-TTg) and sub-projects ("Tiểu dự án 2 thuộc Dự án 3"); a plan that names "Dự án 8" or "Tiểu dự
án 4" of Dự án 3 has copied from another programme or mistyped, and its money cannot be allocated.
The catalogues are data (corpus/reference/programmes/*.yaml, read by pipeline.reference).

Mentions are read from the text, so the rule does not wait on extraction: "Dự án 3 - Tiểu dự án 4",
"Tiểu dự án 1 thuộc Dự án 3", "Dự án 4 (Tiểu dự án 1, Tiểu dự án 3)", or a "Tiểu dự án 2" under a heading
"2. Dự án 3: …". A mention belongs to the programme its heading's name or its sentence names, else to the
programme the plan is about (its title, else the one it names most); only programmes the plan names count,
and a pair that exists in another programme the plan names is not reported unless the mention is tied to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from rapidfuzz import fuzz

from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.pipeline.reference import Programme, name_key, programmes

_SUB = regex.compile(r"(?<!\p{L})(?:[Tt]iểu\s+dự\s+án|TIỂU\s+DỰ\s+ÁN|TDA)\s*(?:số\s*)?(?P<n>\d{1,2})(?![\d.,]\d)")
_PROJ = regex.compile(r"(?<!\p{L})(?<!iểu\s)(?<!IỂU\s)(?:[Dd]ự\s+án|DỰ\s+ÁN|DA)\s*(?:số\s*)?(?P<n>\d{1,2})(?![\d.,]\d)")
_TIGHT_BEFORE = regex.compile(r"^\s*[-–:(]\s*$")
_TIGHT_LIST = regex.compile(r"^\s*[-–:(]\s*(?:(?:[Tt]iểu\s+dự\s+án|TDA)\s*\d{1,2}\s*(?:,|và|-)\s*)+$")
_LIST_BEFORE = regex.compile(r"^\s*[-–:(,]?\s*(?:(?:[Tt]iểu\s+dự\s+án|TDA)\s*\d{1,2}\s*(?:,|và|-)\s*)*$")
_AFTER_TIGHT = regex.compile(r"^\s*(?:-|–)?\s*(?:thuộc|của)?\s*$")
_AFTER_COMMA = regex.compile(r"^\s*,\s*(?:thuộc|của)?\s*$")
_OWN_SUBS = regex.compile(r"\s*[-–:(]\s*(?:[Tt]iểu\s+dự\s+án|TDA)")
_NAMED_AFTER_COLON = regex.compile(r"[^:]{0,40}:\s*(?P<name>[^:.;\n]{8,})")  # "Dự án 8: Thực hiện …"
_HYPHENATED_WORD = regex.compile(r"\p{L}+(?:[-–]\p{L}+)*")
_WORD_DASH = regex.compile(r"[-–]")


@lru_cache(maxsize=None)
def _alias_keys(programme_key: str) -> tuple[str, ...]:
    """name_key of each alias of a programme."""
    return tuple(name_key(a) for a in programmes()[programme_key].aliases)


@dataclass
class Mention:
    project: int
    subproject: int | None
    start: int  # the token ("Tiểu dự án 4")
    end: int
    programme: str | None = None
    tied: bool = False  # the programme comes from the mention's own heading or sentence


def _names(ctx: CheckContext) -> dict[str, int]:
    """How often the plan names each programme (title first: it weighs for ten)."""
    text = name_key(ctx.document.text)
    title = name_key(ctx.text(ctx.structure.title.start, ctx.structure.title.end)) if ctx.structure.title else ""
    counts = {}
    for key in programmes():
        aliases = _alias_keys(key)
        n = sum(text.count(a) for a in aliases)
        n += 10 * sum(title.count(a) for a in aliases)
        if n:
            counts[key] = n
    return counts


def mentions(ctx: CheckContext) -> list[Mention]:
    """Every project / sub-project mention with the project it belongs to."""
    text = ctx.document.text
    projs = [(m.start(), m.end(), int(m.group("n"))) for m in _PROJ.finditer(text)]
    out: list[Mention] = [Mention(n, None, a, b) for a, b, n in projs]
    for m in _SUB.finditer(text):
        sub = int(m.group("n"))
        parent = None
        before = [p for p in projs if p[1] <= m.start() and m.start() - p[1] <= 80]
        gap_before = text[before[-1][1]:m.start()] if before else None
        after = next((p for p in projs if p[0] >= m.end()), None)
        gap_after = text[m.end():after[0]] if after and after[0] - m.end() <= 12 else None
        if gap_before is not None and _TIGHT_BEFORE.match(gap_before):
            parent = before[-1][2]  # "Dự án 4 - Tiểu dự án 3"
        elif gap_after is not None and _AFTER_TIGHT.match(gap_after):
            parent = after[2]  # "Tiểu dự án 1 Dự án 3", "Tiểu dự án 2 thuộc Dự án 6"
        elif gap_before is not None and _TIGHT_LIST.match(gap_before):
            parent = before[-1][2]  # "Dự án 4 - Tiểu dự án 1 và Tiểu dự án 3"
        elif gap_after is not None and _AFTER_COMMA.match(gap_after) and not _OWN_SUBS.match(text, after[1]):
            parent = after[2]  # "Tiểu dự án 1, Dự án 7"
        elif gap_before is not None and _LIST_BEFORE.match(gap_before):
            parent = before[-1][2]  # "Dự án 5, Tiểu dự án 3"
        if parent is None:
            for section in reversed(ctx.structure.section_at(m.start())):
                head = text[section.heading.start:section.heading.end]
                if section.heading.start <= m.start() < section.heading.end:
                    continue
                hm = _PROJ.search(head)
                if hm and not _SUB.search(head[:hm.start()]):
                    parent = int(hm.group("n"))
                    break
        if parent is not None:
            out.append(Mention(parent, sub, m.start(), m.end()))
    return sorted(out, key=lambda x: x.start)


def _heading_name(ctx: CheckContext, pos: int) -> str | None:
    """The name a mention is given in its own line: "Dự án 8: Thực hiện bình đẳng giới …" → "Thực hiện …"."""
    text = ctx.document.text
    line_end = text.find("\n", pos)
    rest = text[pos:line_end if line_end != -1 else len(text)]
    m = _NAMED_AFTER_COLON.match(rest)
    return m.group("name") if m else None


def _assign(ctx: CheckContext, mention: Mention, named: dict[str, int], dominant: str | None) -> None:
    progs = programmes()
    name = _heading_name(ctx, mention.start)
    if name:
        scored = []
        for key in named:
            item = _item(progs[key], mention.project, mention.subproject)
            if item is not None:
                scored.append((fuzz.token_set_ratio(name_key(name), name_key(item)), key))
        if scored:
            score, key = max(scored)
            if score >= 80:
                mention.programme, mention.tied = key, True
                return
    text = ctx.document.text
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.end)
    sentence = name_key(text[line_start:line_end if line_end != -1 else len(text)])
    hits = [key for key in named if any(a in sentence for a in _alias_keys(key))]
    if len(hits) == 1:
        mention.programme, mention.tied = hits[0], True
        return
    mention.programme = dominant


def _item(prog: Programme, project: int, subproject: int | None) -> str | None:
    p = prog.project(project)
    if p is None:
        return None
    if subproject is None:
        return p.name
    s = p.subproject(subproject)
    return s.name if s else None


def _elsewhere(project: int, subproject: int | None, name: str | None, exclude: str) -> str | None:
    """Another programme whose project of that number has this name (to say where it comes from)."""
    if not name:
        return None
    for key, prog in programmes().items():
        if key == exclude or not prog.projects:
            continue
        item = _item(prog, project, subproject)
        if item and fuzz.token_set_ratio(name_key(name), name_key(item)) >= 80:
            return prog.name
    return None


def _label(project: int, subproject: int | None) -> str:
    return f"Tiểu dự án {subproject} thuộc Dự án {project}" if subproject else f"Dự án {project}"


def _evidence_span(ctx: CheckContext, m: Mention):
    """The mention's heading line when it opens its line ("b) Tiểu dự án 4: …"), else the mention itself."""
    text = ctx.document.text
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end == -1 else line_end
    if m.start - line_start <= 30:
        return ctx.span(line_start + (len(text[line_start:m.start]) - len(text[line_start:m.start].lstrip())), line_end)
    lo = min(m.start, max((p for p in [text.rfind("Dự án", line_start, m.start)] if p >= 0), default=m.start))
    return ctx.span(lo, m.end)


@rule("unknown_project", "error",
      "{label} không có trong {programme}{elsewhere}: \"{quote}\" (dòng {line}).",
      "{label_en} does not exist in the programme {programme_key}{elsewhere_en}: \"{quote}\" (line {line}).")
def unknown_project(ctx: CheckContext):
    named = _names(ctx)
    if not named:
        return
    progs = programmes()
    dominant = max(named.items(), key=lambda kv: kv[1])[0]
    found: dict[tuple, list[Mention]] = {}
    for m in mentions(ctx):
        _assign(ctx, m, named, dominant)
        prog = progs.get(m.programme) if m.programme else None
        if prog is None or not prog.projects or prog.has(m.project, m.subproject):
            continue
        if not m.tied and any(progs[k].has(m.project, m.subproject) for k in named if progs[k].projects):
            continue  # it exists in another programme the plan names
        key = (prog.key, m.project, m.subproject if prog.project(m.project) else None)  # no project: say that only
        found.setdefault(key, []).append(m)
    for (key, project, subproject), ms in found.items():
        prog = progs[key]
        spans = [_evidence_span(ctx, m) for m in ms[: int(ctx.config.get("max_evidence", 4))]]
        name = _heading_name(ctx, ms[0].start)
        other = _elsewhere(project, subproject, name, key)
        p = prog.project(project)
        if p is None:
            known = f"; chương trình chỉ có Dự án 1 - {max(x.number for x in prog.projects)}"
        else:
            subs = ", ".join(str(s.number) for s in p.subprojects) or "không có tiểu dự án"
            known = f"; Dự án {project} chỉ có tiểu dự án {subs}"
        yield spans, {
            "label": _label(project, subproject), "programme": f"{prog.name} ({prog.source.number}){known}",
            "elsewhere": f"; nội dung này thuộc {other}" if other else "",
            "label_en": f"Sub-project {subproject} of Project {project}" if subproject else f"Project {project}",
            "programme_key": key, "elsewhere_en": f"; it belongs to {other}" if other else "",
            "quote": " ".join((spans[0].text or "").split())[:160], "line": spans[0].line,
            "project": project, "subproject": subproject}


# --- programme names ------------------------------------------------------------------------------------

_NAME_TOKEN = regex.compile(r"[ \t]*(?:\n[ \t]*)?(?:[-–][ \t]*(?:\n[ \t]*)?)?(?P<w>\p{L}[\p{L}]*(?:[-–]\p{L}+)*)")


def _alt(words: list[str]) -> str:
    return "|".join(r"\s+".join(map(regex.escape, w.split())) for w in sorted(words, key=len, reverse=True))


def _expand(words: list[str], abbreviations: dict[str, str]) -> list[str]:
    """Lower-case words with abbreviations written out ("DTTS" → dân tộc thiểu số, "KT-XH" → kinh tế xã hội)."""
    out: list[str] = []
    for w in words:
        full = abbreviations.get(w.casefold())
        parts = full.split() if full else _WORD_DASH.split(w)
        out.extend(name_key(p) for p in parts if p)
    return out


@dataclass(frozen=True, eq=False)
class _NameGrammar:
    """The programme_name_mismatch vocabulary of checks.yaml, compiled once (one object per vocabulary)."""

    name_prefix: regex.Pattern  # a catalogue name's national prefix, at its start
    name_stop: regex.Pattern  # a stop word and all after it, in a catalogue name
    mention_prefix: regex.Pattern  # the national prefix anywhere in a text
    stops: frozenset[str]
    first_stop_words: frozenset[str]
    abbreviations: dict[str, str]


def _name_grammar(conf: dict) -> _NameGrammar:
    abbreviations = tuple((conf.get("abbreviations") or {}).items())
    return _compiled_name_grammar(tuple(conf.get("prefixes", [])), tuple(conf.get("stop_words", ["giai đoạn"])),
                                  tuple(conf.get("stop_words", [])), abbreviations)


@lru_cache(maxsize=8)
def _compiled_name_grammar(prefixes: tuple[str, ...], name_stops: tuple[str, ...], mention_stops: tuple[str, ...],
                           abbreviations: tuple[tuple[str, str], ...]) -> _NameGrammar:
    stops = frozenset(name_key(w) for w in mention_stops)
    return _NameGrammar(
        name_prefix=regex.compile(rf"^\s*(?:{_alt(list(prefixes))})\s*", regex.I),
        name_stop=regex.compile(rf"\s+(?:{_alt(list(name_stops))})(?!\p{{L}}).*$", regex.I),
        mention_prefix=regex.compile(rf"(?<!\p{{L}})(?:{_alt(list(prefixes))})(?!\p{{L}})", regex.I),
        stops=stops,
        first_stop_words=frozenset(s.split()[0] for s in stops),
        abbreviations={k.casefold(): v for k, v in abbreviations},
    )


def _catalogue_names(conf: dict) -> dict[str, list[list[str]]]:
    """Each programme's names after the national prefix, as word lists ("giảm nghèo bền vững")."""
    return _catalogue_names_of(_name_grammar(conf))


@lru_cache(maxsize=8)
def _catalogue_names_of(g: _NameGrammar) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for key, prog in programmes().items():
        names = []
        for alias in (prog.name, *prog.aliases):
            m = g.name_prefix.match(alias)
            if not m:
                continue
            rest = g.name_stop.sub("", alias[m.end():])
            words = _expand(_HYPHENATED_WORD.findall(rest), g.abbreviations)
            if words and words not in names:
                names.append(words)
        out[key] = names
    return out


def programme_mentions(text: str, conf: dict) -> list[tuple[int, int, list[str]]]:
    """(start, end, name words) of every "Chương trình mục tiêu quốc gia <name>" in the text; the name runs to
    the first punctuation, number or stop word ("giai đoạn", "năm", "trên địa bàn" …)."""
    g = _name_grammar(conf)
    stops, first_stop_words = g.stops, g.first_stop_words
    out = []
    for m in g.mention_prefix.finditer(text):
        pos, words, end = m.end(), [], m.end()
        while len(words) < int(conf.get("max_words", 24)):
            w = _NAME_TOKEN.match(text, pos)
            if w is None:
                break
            word = w.group("w")
            if name_key(word) in first_stop_words:
                ahead = name_key(" ".join(text[w.start("w"):w.start("w") + 40].split()))
                if any(ahead == s or ahead.startswith(s + " ") for s in stops):
                    break
            words.append(word)
            pos = end = w.end()
        out.append((m.start(), end, _expand(words, g.abbreviations)))
    return out


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


@rule("programme_name_mismatch", "warning",
      "Tên chương trình \"{quote}\" (dòng {line}) không đúng tên {programme}, trong khi văn bản ghi đúng ở chỗ khác "
      "(\"{correct}\", dòng {correct_line}).",
      "The programme is named \"{quote}\" (line {line}), not its name {programme}, which the plan uses elsewhere "
      "(\"{correct}\", line {correct_line}).")
def programme_name_mismatch(ctx: CheckContext):
    """A national programme named with words of its own plus others ("giảm nghèo và an sinh xã hội bền vững"
    for "giảm nghèo bền vững") while the same plan names it correctly elsewhere. Names cut short ("Chương
    trình MTQG giảm nghèo") and names of other programmes are left alone."""
    conf = ctx.config
    names = _catalogue_names(conf)
    max_extra = int(conf.get("max_extra_words", 6))
    found = [m for m in programme_mentions(ctx.document.text, conf) if m[2]]
    correct: dict[str, list[tuple[int, int]]] = {}
    wrong: list[tuple[int, int, str]] = []
    for start, end, words in found:
        ok = [k for k, ns in names.items() for n in ns if words[:len(n)] == n or n[:len(words)] == words]
        if ok:
            for k in ok:
                correct.setdefault(k, []).append((start, end))
            continue
        near = [k for k, ns in names.items() for n in ns
                if words[0] == n[0] and len(words) > len(n) and _is_subsequence(n, words[:len(n) + max_extra])]
        if near:
            wrong.append((start, end, near[0]))
    for start, end, key in wrong:
        if key not in correct:
            continue  # the plan never names the programme right: nothing to compare with
        span = ctx.span(start, end)
        a, b = min(correct[key], key=lambda c: abs(c[0] - start))
        other = ctx.span(a, b)
        yield [span, other], {"quote": " ".join((span.text or "").split()), "line": span.line,
                              "programme": f"\"{programmes()[key].name}\"", "programme_key": key,
                              "correct": " ".join((other.text or "").split()), "correct_line": other.line}
