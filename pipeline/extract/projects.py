"""Projects: the national programme's projects and sub-projects the plan sets out to carry out.

Mentions ("Dự án 3", "Tiểu dự án 1", the typo "Tiêu dự án 2", "TDA1", Roman numerals) are found with a spaCy
Matcher whose token patterns are data (xb_projects.jsonl). A sub-project takes its project from the words
around it ("Tiểu dự án 2 thuộc Dự án 6", "Tiểu dự án 1, Dự án 3", "Dự án 3 - Tiểu dự án 2", "Dự án 4 (Tiểu dự
án 3)"), from the list it is in ("gồm Tiểu dự án 1, Tiểu dự án 2 và Tiểu dự án 3") or from the project item it
stands under ("2. Dự án 3: …" / "a) Tiểu dự án 1: …").

When the plan lists its projects as items (headings, list lines, table rows), those items are the projects,
and a project whose sub-projects are listed is their container, not one more entry; names in running text
then add only projects the list lacks. A plan that only names projects in its tasks ("Sở Y tế chủ trì Tiểu dự
án 2 thuộc Dự án 3") has each one it names. Projects in citation titles and the preamble do not count. Each
entry is mapped to the programme catalogue (kehoach.pipeline.reference) for its key and official name, with
the budget and lead body its item gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import regex
import srsly
from rapidfuzz import fuzz
from spacy.matcher import Matcher
from spacy.tokens import Doc

from kehoach.pipeline.extract import budgets as budget_module
from kehoach.pipeline.extract.assignments import bodies_in, body_for, cache, clean, layout, load_patterns, phrase_alt
from kehoach.pipeline.nlp import add_span, build_nlp, evidence
from kehoach.schemas.plan import Project
from kehoach.schemas.structure import Region

# regexes used in the code below, compiled once
_TRAILING_NUMBER = regex.compile(r"\d{1,2}$")
_SMALL_INT = regex.compile(r"\d{1,2}")
_TRAILING_MARKS = regex.compile(r"[*:.]+$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    nlp = build_nlp()
    matcher = Matcher(nlp.vocab)
    path = files("kehoach.reference") / "patterns" / "xb_projects.jsonl"
    by_label: dict[str, list] = {}
    for entry in srsly.read_jsonl(str(path)):
        by_label.setdefault(entry["label"], []).append(entry["pattern"])
    for label, patterns in by_label.items():
        matcher.add(label, patterns)
    return matcher


@lru_cache(maxsize=1)
def _res() -> dict:
    d = load_patterns("xb_projects.yaml")
    return {
        "sub_of": regex.compile(d["sub_of"], regex.I),
        "then_sub": regex.compile(d["project_then_sub"], regex.I),
        "tight": regex.compile(d["project_dash_sub"], regex.I),
        "more": regex.compile(d["more_numbers"], regex.I),
        "citation": regex.compile(d["citation"], regex.I),
        "name_after": regex.compile(d["name_after"], regex.I),
        # where a project may be named: the Matcher runs only around these (a plan is mostly other words)
        "candidate": regex.compile(d["candidates"]),
        "list_sep": regex.compile(d["list_separator"], regex.I),
        "not_a_name": regex.compile(d["not_a_name"], regex.I),
        "leads": regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['lead_words'])})(?!\p{{L}})", regex.I),
    }


def _number(token_text: str) -> int | None:
    t = token_text.strip().upper()
    m = _TRAILING_NUMBER.search(t)
    if m:
        return int(m.group(0))
    return _ROMAN.get(t)


@dataclass
class Mention:
    kind: str  # P | S
    number: int
    start: int
    end: int
    parent: int | None = None  # project of a sub-project
    consumed: bool = False  # a project named only as a sub-project's parent
    structured: bool = False  # opens an item of a list of projects
    region: tuple[int, int] | None = None  # the item it opens
    heading: bool = False  # the item is a section
    parent_mention: Mention | None = None
    children: list = field(default_factory=list)


def _mentions(doc: Doc) -> list[Mention]:
    lay = layout(doc)
    text = lay.text
    out: list[Mention] = []
    matcher = _matcher()
    found = []
    for window in _windows(text):
        region = doc.char_span(window[0], window[1], alignment_mode="expand")
        if region is not None:
            found.extend(matcher(region, as_spans=True))
    for span in found:
        label = span.label_
        a, b = span.start_char, span.end_char
        if not lay.in_body(a) and not _in_appendix_table(doc, a):
            continue
        if label == "SUB_OF":
            nums = [int(x) for x in _SMALL_INT.findall(span.text)]
            if len(nums) == 2:
                out.append(Mention("S", nums[0], a, b, parent=nums[1]))
            continue
        n = _number(span[-1].text)
        if n is None:
            continue
        out.append(Mention("P" if label == "PROJECT" else "S", n, a, b))
    # a sub-project match contains "dự án N": keep the longer one
    out.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in out:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    # "Tiểu dự án 1, 2 và 3": more numbers after a mention
    more: list[Mention] = []
    r = _res()
    for m in kept:
        pos = m.end
        while True:
            x = r["more"].match(text, pos, min(len(text), pos + 12))
            if not x or any(k.start == x.start("n") for k in kept):
                break
            more.append(Mention(m.kind, int(x.group("n")), x.start("n"), x.end("n"), parent=m.parent))
            pos = x.end()
    kept = sorted(kept + more, key=lambda m: m.start)
    return [m for m in kept if not _in_citation(lay, m.start)]




def _windows(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in _res()["candidate"].finditer(text):
        a, b = max(0, m.start() - 14), min(len(text), m.end() + 12)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _in_appendix_table(doc: Doc, offset: int) -> bool:
    lay = layout(doc)
    return lay.in_table(offset) and any(a.start <= offset < a.end for a in doc._.structure.appendices)


def _in_citation(lay, offset: int) -> bool:
    """Inside the title of a cited document ("Quyết định số 880/QĐ-TTg … Tiểu dự án 2 thuộc Dự án 1")."""
    text = lay.text
    start = max(text.rfind(";", 0, offset), text.rfind("\n", 0, offset), text.rfind(". ", 0, offset)) + 1
    return bool(_res()["citation"].search(text, start, offset))


# what may stand before a name that opens an item: a bullet, a marker ("2.1.", "a)", "IV."), markdown bold
_ITEM_START = regex.compile(
    r"(?:^|\n)[ \t]*(?:[-+•*]+[ \t]*)?(?:\*\*)?(?:(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ]|[IVX]{1,4})[.)]?[ \t]+)?(?:\*\*)?[ \t]*$"
)


def _item_region(doc: Doc, m: Mention) -> tuple[int, int] | None:
    """The item a mention opens (heading of a section, start of a line or of a table cell), or None."""
    lay = layout(doc)
    text = lay.text
    for info in reversed(lay.chain(m.start)):
        if info.head_start <= m.start <= info.head_start + 4:
            m.heading = True
            return info.section.start, info.section.end
    line_start = text.rfind("\n", 0, m.start) + 1
    prefix = text[line_start : m.start]
    if _ITEM_START.search("\n" + prefix):
        info = lay.innermost(m.start)
        return line_start, info.section.end if info is not None else lay.body_end
    for table in doc._.document.tables:
        if table.start <= m.start < table.end:
            for cell in table.cells:
                if cell.start == m.start:
                    line_end = text.find("\n", m.start)
                    return text.rfind("\n", 0, m.start) + 1, (line_end if line_end != -1 else table.end)
    return None




def _resolve(doc: Doc, ms: list[Mention]) -> None:
    text = layout(doc).text
    r = _res()
    for m in ms:
        region = _item_region(doc, m)
        if region is not None:
            m.structured, m.region = True, region
    # an item that is a line (not a section) ends where the next item of the same or a higher kind starts
    for i, m in enumerate(ms):
        if not m.structured or m.heading:
            continue
        for nxt in ms[i + 1 :]:
            if nxt.structured and (nxt.kind == "P" or m.kind == "S") and m.region[0] < nxt.start < m.region[1]:
                line_start = text.rfind("\n", 0, nxt.start) + 1
                m.region = (m.region[0], max(m.end, line_start))
                break
    # pass 1: the project written next to a sub-project
    for i, m in enumerate(ms):
        if m.kind != "S" or m.parent is not None:
            continue
        nxt = ms[i + 1] if i + 1 < len(ms) else None
        prv = ms[i - 1] if i > 0 else None
        if prv is not None and prv.kind == "P" and r["tight"].match(text[prv.end : m.start]):
            # "Dự án 4 - Tiểu dự án 3, Dự án 6 - …": the project written just before, with a dash or colon
            m.parent, m.parent_mention = prv.number, prv
        elif (prv is not None and prv.kind == "S" and prv.parent is not None
              and r["list_sep"].fullmatch(text[prv.end : m.start])):
            # "Dự án 4 - Tiểu dự án 1 và Tiểu dự án 3, Dự án 6 …": the list's project
            m.parent, m.parent_mention = prv.parent, prv.parent_mention
        elif nxt is not None and nxt.kind == "P" and r["sub_of"].match(text[m.end : nxt.start]):
            m.parent, m.parent_mention = nxt.number, nxt
            nxt.consumed = True
            if m.structured and nxt.structured:
                nxt.structured = False  # "a) Tiểu dự án 1, Dự án 3: …" opens the sub-project's item
        elif prv is not None and prv.kind == "P" and r["then_sub"].match(text[prv.end : m.start]):
            m.parent, m.parent_mention = prv.number, prv
    # pass 2: lists of sub-projects share their project
    changed = True
    while changed:
        changed = False
        for i, m in enumerate(ms):
            if m.kind != "S" or m.parent is not None:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(ms) and ms[j].kind == "S" and ms[j].parent is not None:
                    a, b = (ms[j].end, m.start) if j < i else (m.end, ms[j].start)
                    if _res()["list_sep"].fullmatch(text[a:b]):
                        m.parent, m.parent_mention = ms[j].parent, ms[j].parent_mention
                        changed = True
                        break
    # pass 3: the project item a sub-project stands in
    for i, m in enumerate(ms):
        if m.kind != "S" or m.parent is not None:
            continue
        for p in reversed(ms[:i]):
            if p.kind == "P" and not p.consumed and p.region is not None and p.region[0] <= m.start < p.region[1]:
                m.parent, m.parent_mention = p.number, p
                break
    for m in ms:
        if m.kind == "S" and m.parent_mention is not None:
            m.parent_mention.children.append(m)
            if m.parent_mention.structured and not m.structured:
                m.structured = True  # listed inside a project's item
                if m.region is None:
                    m.region = (m.start, m.parent_mention.region[1] if m.parent_mention.region else m.end)


@lru_cache(maxsize=1)
def _catalogues():
    try:
        from kehoach.pipeline.reference import programmes
    except ImportError:  # the catalogue loader is optional
        return {}
    return programmes()


def programme_key(doc: Doc) -> str | None:
    """The national programme the plan carries out, by the names its title and preamble use."""
    memo = cache(doc)
    if "programme" in memo:
        return memo["programme"]
    st = doc._.structure
    text = doc._.document.text
    regions = [r for r in (st.title, st.preamble) if r is not None]
    regions.append(Region(start=st.body.start, end=min(st.body.end, st.body.start + 4000)) if st.body else None)
    key = None
    for region in regions:
        if region is None:
            continue
        chunk = _name_key()(text[region.start : region.end])
        key = next((k for k, aliases in _alias_keys() if any(a in chunk for a in aliases)), None)
        if key:
            break
    memo["programme"] = key
    return key


@lru_cache(maxsize=1)
def _name_key():
    from kehoach.pipeline.reference import name_key

    return name_key


@lru_cache(maxsize=1)
def _alias_keys() -> list[tuple[str, list[str]]]:
    """Each programme's aliases as comparison keys, computed once."""
    return [(p.key, [_name_key()(a) for a in p.aliases]) for p in _catalogues().values()]


def _name(text: str, m: Mention) -> str | None:
    anchor = m.end
    if m.parent_mention is not None and m.parent_mention.start > m.start:
        anchor = m.parent_mention.end  # "Tiểu dự án 1, Dự án 3: <name>"
    x = _res()["name_after"].match(text, anchor, min(len(text), anchor + 400))
    if not x:
        return None
    name = clean(x.group("name")).strip(" .,;:-–*")
    if _res()["not_a_name"].match(name) or len(name) < 4:
        return None
    return name[:200]


def _catalogue_name(key: str | None, project: int, sub: int | None) -> str | None:
    prog = _catalogues().get(key) if key else None
    if prog is None:
        return None
    p = prog.project(project)
    if p is None:
        return None
    if sub is None:
        return p.name
    s = p.subproject(sub)
    return s.name if s else None


def _lead(doc: Doc, entry_mentions: list[Mention], project_mentions: list[Mention] = ()) -> str | None:
    """The body that leads a project: one named in its item, else the body whose tasks name it (or name
    its project)."""
    for m in entry_mentions:
        if m.structured and m.region is not None:
            found = [b for b, bm in bodies_in(doc, *m.region) if bm.source in ("label", "giao", "clause", "dash")]
            if found:
                return found[0].name
    lay = layout(doc)
    text = lay.text
    fallback = None
    for m in entry_mentions:
        if m.structured:
            continue
        who = body_for(doc, m.start)
        if who is None:
            continue
        clause_start = max(text.rfind(";", 0, m.start), text.rfind("\n", 0, m.start)) + 1
        if _res()["leads"].search(text[clause_start : m.start]):
            return who
        fallback = fallback or who
    if fallback is None and project_mentions:
        return _lead(doc, [m for m in project_mentions if not m.structured])
    return fallback


def _budget(doc: Doc, entry_mentions: list[Mention]) -> int | None:
    found = budget_module.find(doc)
    for m in entry_mentions:
        if m.region is None:
            continue
        for b in found:
            if m.region[0] <= b.start < m.region[1]:
                return b.record.amount_vnd
    return None


_BY_NAME_MIN = 90  # similarity of a heading to a catalogue name for the heading to name that project
_NO_PROJECTS = {"org", "target", "status", "purpose", "basis", "budget", "subject"}


def _by_name(doc: Doc, key: str | None) -> list[Mention]:
    """Project items named only by the catalogue's names ("1. Đa dạng hóa sinh kế, phát triển mô hình giảm
    nghèo", "2.1. Hỗ trợ phát triển sản xuất trong lĩnh vực nông nghiệp"), for plans that never number them."""
    from kehoach.pipeline.reference import name_key

    progs = [p for k, p in _catalogues().items() if k == key] if key else []
    if not progs:
        return []
    names: list[tuple[str, int, int | None]] = []
    for prog in progs:
        for p in prog.projects:
            names.append((name_key(p.name), p.number, None))
            if p.short_name:
                names.append((name_key(p.short_name), p.number, None))
            for sp in p.subprojects:
                names.append((name_key(sp.name), p.number, sp.number))
    lay = layout(doc)
    out: list[Mention] = []
    for info in lay.sections:
        sec = info.section
        if sec.kind.value not in ("arabic", "decimal", "letter") or not lay.in_body(sec.start):
            continue
        if info.inherited_kind() in _NO_PROJECTS:
            continue
        title = name_key(_TRAILING_MARKS.sub("", info.heading.split(":")[0]).strip())
        best = max(((fuzz.ratio(title, n), pn, sn) for n, pn, sn in names), key=lambda x: x[0], default=(0, 0, None))
        if best[0] >= _BY_NAME_MIN:
            m = Mention("S" if best[2] else "P", best[2] or best[1], info.head_start, info.head_end,
                        parent=best[1] if best[2] else None, structured=True, region=(sec.start, sec.end), heading=True)
            out.append(m)
    return out if len(out) >= 2 else []


def find(doc: Doc) -> list[tuple[Project, int, int]]:
    """The plan's projects with the span of their first mention (memoised)."""
    memo = cache(doc)
    if "projects" in memo:
        return memo["projects"]
    text = doc._.document.text
    ms = _mentions(doc)
    _resolve(doc, ms)
    by_name = not ms
    if by_name:
        ms = _by_name(doc, programme_key(doc))
    entries: dict[tuple[int, int | None], list[Mention]] = {}
    structured = [m for m in ms if m.structured]
    if structured:
        containers = {m.parent for m in ms if m.kind == "S" and m.structured and m.parent is not None}
        for m in structured:
            if m.kind == "P" and not m.consumed and not m.children and m.number not in containers:
                entries.setdefault((m.number, None), []).append(m)
            elif m.kind == "S" and m.parent is not None:
                entries.setdefault((m.parent, m.number), []).append(m)
        listed = {p for p, _ in entries}
        for m in ms:
            if m.structured:
                continue
            if m.kind == "S" and m.parent is not None:
                if (m.parent, m.number) in entries or m.parent in listed and (m.parent, None) not in entries:
                    entries.setdefault((m.parent, m.number), []).append(m)
                elif m.parent not in listed:
                    entries.setdefault((m.parent, m.number), []).append(m)
            elif m.kind == "P" and not m.consumed and not m.children:
                key = (m.number, None)
                if key in entries or m.number not in listed:
                    entries.setdefault(key, []).append(m)
    else:
        for m in ms:
            if m.kind == "S" and m.parent is not None:
                entries.setdefault((m.parent, m.number), []).append(m)
            elif m.kind == "P" and not m.consumed and not m.children:
                entries.setdefault((m.number, None), []).append(m)
    key = programme_key(doc)
    out: list[tuple[Project, int, int]] = []
    document = doc._.document
    for (project, sub), mentions in sorted(entries.items(), key=lambda kv: min(m.start for m in kv[1])):
        first = min(mentions, key=lambda m: m.start)
        if by_name:
            name = clean(text[first.start : first.end]).split(":")[0].strip(" .*")
        else:
            name = next((n for n in (_name(text, m) for m in mentions if m.structured) if n), None)
        name = name or next((n for n in (_name(text, m) for m in mentions) if n), None)
        record = Project(
            programme=key,
            project=project,
            subproject=sub,
            name=name or _catalogue_name(key, project, sub),
            budget_vnd=_budget(doc, mentions),
            lead=_lead(doc, mentions, [m for m in ms if m.kind == "P" and m.number == project] if sub else ()),
            span=evidence(document, first.start, first.end),
        )
        out.append((record, first.start, first.end))
    memo["projects"] = out
    return out


def run(doc: Doc) -> None:
    for record, start, end in find(doc):
        add_span(doc, "projects", start, end, "project", record)
