"""Assignments: the bodies a plan gives tasks to, one per body, with role and tasks.

Bodies are named where a careful reader finds them: the items of the organisation sections ("V. TỔ CHỨC
THỰC HIỆN / 1. Phòng Lao động - Thương binh và Xã hội"), labels inside a project ("Phân công thực hiện:
Giao công chức văn hóa chính sách phối hợp …"), items and clauses of the task sections that open with a
body and a verb of responsibility ("Sở Tư pháp chủ trì …", "- Ban Dân tộc: Phối hợp …"). A body named
several times (short and long forms, "UBND" and "Ủy ban nhân dân") is one assignment; two items of one list
are two bodies even when one name contains the other ("Công chức Văn hóa - Xã hội" and "Công chức Văn hóa -
Xã hội (phụ trách LĐTB&XH)"). A list of named organisations in one item ("Đề nghị Ủy ban MTTQ, Hội Nông
dân, Hội Cựu chiến binh, Huyện đoàn") is one assignment each, wherever it is written (an item, a dash line, a
clause after ";"); a level word is not a name, so "Huyện đoàn" is not "Liên đoàn Lao động huyện".

This module also holds the plan's layout (``layout(doc)``: what each section is about, from its heading),
which the other extractors of helper X-b share, and ``body_for(doc, offset)`` (who is responsible for the
text at an offset) used for deadlines and project leads. Words are data: xb_bodies.yaml, xb_sections.yaml.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import regex
import yaml
from rapidfuzz import fuzz
from spacy.tokens import Doc

from kehoach.pipeline.nlp import add_span, evidence
from kehoach.pipeline.segment import match_marker
from kehoach.schemas.plan import Assignment
from kehoach.schemas.structure import MarkerKind, Section

# regexes used in the code below, compiled once
_LETTER = regex.compile(r"\p{L}")
_WORDS = regex.compile(r"[\p{L}\d]+")
_LINE_OPEN = regex.compile(r"(?:^|\n)[ \t]*(?:[-+•][ \t]*)?(?=\S)")
_USER_KEY = "kehoach_xb"


def cache(doc: Doc) -> dict:
    """Per-document memo shared by X-b's extractors (layout, bodies, budgets …)."""
    store = doc.user_data.get(_USER_KEY)
    if store is None:
        store = {}
        doc.user_data[_USER_KEY] = store
    return store


@lru_cache(maxsize=None)
def load_patterns(name: str) -> dict:
    """A YAML file of corpus/reference/patterns (X-b's files are prefixed xb_)."""
    path = files("kehoach.reference") / "patterns" / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def phrase_alt(phrases) -> str:
    """Regex alternation of phrases, longest first, spaces matching any white space (wrapped lines)."""
    items = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(r"\s+".join(regex.escape(w) for w in p.split()) for p in items)


_BOLD = regex.compile(r"\*+")


def clean(text: str) -> str:
    """Collapse white space and markdown bold left by converters."""
    if "*" in text:
        text = _BOLD.sub("", text)
    return " ".join(text.split())


# --- layout -----------------------------------------------------------------------------------------------
@dataclass
class SectionInfo:
    """A section with its logical heading (wrapped lines joined) and what it is about."""

    section: Section
    head_start: int  # after the marker
    head_end: int
    kind: str | None
    parent: SectionInfo | None = None

    @property
    def heading(self) -> str:
        return self._heading

    def inherited_kind(self) -> str | None:
        node: SectionInfo | None = self
        while node is not None:
            if node.kind is not None:
                return node.kind
            node = node.parent
        return None


@dataclass
class Layout:
    """Where things are in one plan: body, excluded regions, sections with kinds."""

    text: str
    body_start: int
    body_end: int
    excluded: list[tuple[int, int]]
    tables: list[tuple[int, int]]
    sections: list[SectionInfo]
    by_id: dict[int, SectionInfo] = field(default_factory=dict)
    structure: object = None

    def in_body(self, offset: int) -> bool:
        if not self.body_start <= offset < self.body_end:
            return False
        for s, e in self.excluded:
            if s <= offset < e:
                return False
        return True

    def in_table(self, offset: int) -> bool:
        for s, e in self.tables:
            if s <= offset < e:
                return True
        return False

    def chain(self, offset: int) -> list[SectionInfo]:
        """The sections around an offset, outermost first (looked up in precomputed intervals)."""
        if self._bounds is None:
            self._index()
        i = bisect_right(self._bounds, offset) - 1
        return self._chains[i] if 0 <= i < len(self._chains) else []

    _bounds: list[int] | None = None
    _chains: list[list[SectionInfo]] | None = None

    def _index(self) -> None:
        """Cut the text at every section start and end; each piece has one chain of sections."""
        bounds = sorted({b for info in self.sections for b in (info.section.start, info.section.end)} | {0})
        self._bounds = bounds
        self._chains = [[self.by_id[id(s)] for s in self.structure.section_at(b)] for b in bounds]

    def innermost(self, offset: int) -> SectionInfo | None:
        chain = self.chain(offset)
        return chain[-1] if chain else None

    def kind_at(self, offset: int) -> str | None:
        for info in reversed(self.chain(offset)):
            if info.kind is not None:
                return info.kind
        return None

    def kinds_at(self, offset: int) -> set[str]:
        return {info.kind for info in self.chain(offset) if info.kind is not None}


@lru_cache(maxsize=1)
def _kind_res() -> tuple[regex.Pattern, dict[str, str]]:
    """One pattern for every cue (longest first) and the kind each cue names."""
    data = load_patterns("xb_sections.yaml")["kinds"]
    kind_of = {" ".join(cue.casefold().split()): kind for kind, cues in data.items() for cue in cues}
    return regex.compile(rf"(?:{phrase_alt(kind_of)})(?!\p{{L}})", regex.I), kind_of


def heading_kind(heading: str) -> str | None:
    """The kind of a section from the words its heading starts with (the longest cue wins)."""
    text = clean(heading).lstrip(" -+•:.")
    pattern, kind_of = _kind_res()
    m = pattern.match(text)
    return kind_of.get(" ".join(m.group(0).casefold().split())) if m else None


_NEXT_WORD = regex.compile(r"\s*[\p{L}\d&/.-]+")
_LIST_KINDS = (MarkerKind.dash, MarkerKind.plus, MarkerKind.bullet)
_LABEL = regex.compile(r"[*\s]*(?:[\p{L}\d,/&()-]+\s*){1,8}\**\s*:")
_LINE_START_ITEM = regex.compile(r"[-+•*]|\(?\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[IVX]{1,4}\.")


def _logical_heading(text: str, sec: Section) -> tuple[int, int]:
    """(start, end) of a heading after its marker, joined over wrapped continuation lines."""
    line = text[sec.heading.start : sec.heading.end]
    mk = match_marker(line)
    start = sec.heading.start + (mk[2] if mk else 0)
    while start < sec.heading.end and text[start] in " \t*":
        start += 1
    end = sec.heading.end
    limit = sec.children[0].start if sec.children else sec.end
    head_words = clean(text[start:end]).casefold()
    prefix_only = head_words.rstrip(":").strip() in _res().prefix_words
    while end < limit:
        if text[end] != "\n":
            break
        nxt = end + 1
        if nxt >= limit or text[nxt] == "\n":
            break
        eol = text.find("\n", nxt)
        eol = limit if eol == -1 or eol > limit else eol
        nline = text[nxt:eol]
        stripped = nline.lstrip()
        if not stripped or _LINE_START_ITEM.match(stripped):
            break
        if not (stripped[0].islower() or prefix_only):
            break
        prefix_only = False
        end = eol
    return start, end


def layout(doc: Doc) -> Layout:
    """The plan's layout, computed once per document."""
    memo = cache(doc)
    if "layout" in memo:
        return memo["layout"]
    document = doc._.document
    st = doc._.structure
    text = document.text
    ends = [r.start for r in (st.closing.recipients, st.closing.signature) if r is not None]
    if st.body is not None or st.sections:
        body_start = st.body.start if st.body else (st.preamble.end if st.preamble else 0)
        body_end = st.body.end if st.body else (min(ends) if ends else len(text))
        excluded = [(r.start, r.end) for r in (st.preamble, st.decision, st.title) if r is not None]
    else:
        # no numbered sections: the text after the title is all there is to read
        body_start = st.title.end if st.title else (st.doc_kind_line.end if st.doc_kind_line else 0)
        body_end = min(ends) if ends else len(text)
        excluded = [(r.start, r.end) for r in (st.decision, st.title) if r is not None]
    excluded += [(r.start, r.end) for r in st.appendices]
    tables = [(t.start, t.end) for t in document.tables]
    infos: list[SectionInfo] = []
    by_id: dict[int, SectionInfo] = {}

    def visit(sec: Section, parent: SectionInfo | None) -> None:
        hs, he = _logical_heading(text, sec)
        kind = heading_kind(text[hs:he][:160])
        if kind is not None and sec.kind in _LIST_KINDS and not _LABEL.match(text, hs, he):
            kind = None  # a list item says what it is about only as a label ("- Đặc điểm tình hình chung:")
        info = SectionInfo(sec, hs, he, kind, parent)
        info._heading = clean(text[hs:he])
        infos.append(info)
        by_id[id(sec)] = info
        for child in sec.children:
            visit(child, info)

    for sec in st.sections:
        visit(sec, None)
    out = Layout(text, body_start, body_end, excluded, tables, infos, by_id, st)
    memo["layout"] = out
    return out


# --- body names -------------------------------------------------------------------------------------------
@dataclass
class _Res:
    head: regex.Pattern  # a body head at the start of a string (names capitalised)
    head_ci: regex.Pattern  # the same after "Giao"/"Đề nghị", where names may be lower-case
    cue: regex.Pattern  # first task cue
    strong: regex.Pattern  # adverbs? + strong cue at the start of a string
    protected: regex.Pattern
    not_body: regex.Pattern
    de_nghi: regex.Pattern
    giao: regex.Pattern
    giao_scan: regex.Pattern
    split_head: regex.Pattern
    split_collective: regex.Pattern
    roles: list[tuple[str, regex.Pattern]]
    adverbs_lead: regex.Pattern
    duty_lead: regex.Pattern
    trailing_link: regex.Pattern
    list_split: regex.Pattern
    prefix_words: frozenset[str]
    leads: regex.Pattern
    abbreviations: dict[str, str]
    stop: frozenset[str]
    split_min: int
    level_tokens: frozenset[str]


@lru_cache(maxsize=1)
def _res() -> _Res:
    d = load_patterns("xb_bodies.yaml")
    heads = phrase_alt(d["heads"])
    coll = phrase_alt(d["collective_heads"])
    # standalone heads are names: capitalised (or upper-case abbreviations); collective ones follow "các"
    head = rf"(?:(?-i:(?:{heads}))|[Cc]ác\s+(?:{coll}|{heads}))(?!\p{{L}})"
    head_ci = rf"(?:{heads}|các\s+(?:{coll}|{heads}))(?!\p{{L}})"
    adv = phrase_alt(d["adverbs"])
    prefixes = d["prefixes"]
    split_heads = phrase_alt(d["split_heads"])
    split_coll = phrase_alt(d["split_collective_heads"])
    levels = phrase_alt(d["level_words"] + d["level_phrases"])
    return _Res(
        head=regex.compile(rf"(?:{head})", regex.I),
        head_ci=regex.compile(rf"(?:{head_ci})", regex.I),
        cue=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(d['task_cues'])})(?!\p{{L}})|[:;]|\.(?!\p{{L}})", regex.I),
        strong=regex.compile(rf"\s*(?:(?:{adv})\s+)*(?:{phrase_alt(d['strong_cues'])})(?!\p{{L}})|\s*:", regex.I),
        protected=regex.compile("|".join(d["protected"])),
        not_body=regex.compile(rf"(?:{phrase_alt(d['not_bodies'])})(?!\p{{L}})", regex.I),
        de_nghi=regex.compile(rf"(?:{phrase_alt(prefixes['de_nghi'])})(?!\p{{L}})\s*:?\s*", regex.I),
        giao=regex.compile(rf"(?:{phrase_alt(prefixes['giao'])})(?!\p{{L}})\s*", regex.I),
        giao_scan=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt(prefixes['giao'])})\s+(?={head_ci})", regex.I),
        split_head=regex.compile(rf"^(?-i:(?:{split_heads}))(?!\p{{L}})"),
        split_collective=regex.compile(
            rf"^[Cc]ác\s+(?:{split_coll})(?!\p{{L}}).*(?:{levels})(?:\s+\S+){{0,3}}$", regex.I
        ),
        adverbs_lead=regex.compile(rf"^(?:(?:{adv})\s+)+", regex.I),
        duty_lead=regex.compile(rf"^(?:{phrase_alt(d['duty_phrases'])})\s*:?\s*", regex.I),
        trailing_link=regex.compile(rf"(?:\s+(?:{phrase_alt(d['trailing_links'])}))+\s*$"),
        list_split=regex.compile(rf",\s*|\s+(?:{phrase_alt(d['list_conjunctions'])})\s+"),
        prefix_words=frozenset(w.casefold() for group in prefixes.values() for w in group),
        leads=regex.compile(rf"(?<!\p{{L}})(?:{phrase_alt([d['roles'][0][1]])})(?!\p{{L}})", regex.I),
        roles=[(role, regex.compile(rf"^\s*(?:{phrase_alt([cue])})(?!\p{{L}})", regex.I)) for role, cue in d["roles"]],
        abbreviations={k.casefold(): v for k, v in d["abbreviations"].items()},
        stop=frozenset(w.casefold() for w in d["compare_stopwords"]),
        split_min=int(d.get("split_pair_min_parts", 3)),
        level_tokens=frozenset(t for w in d["level_words"] for t in w.casefold().split()),
    )


def _cut_name(text: str, start: int, end: int, *, whole: bool) -> int:
    """End offset of a body name that starts at ``start``: before the first task cue, unless ``whole``.

    A name is at least its head and one more word ("Sở Xây dựng", "Sở Tài chính"), so cues inside those
    do not cut it."""
    r = _res()
    protected = [(m.start(), m.end()) for m in r.protected.finditer(text, start, end)]
    head = r.head_ci.match(text, start, end)
    floor = start + 1
    if head:
        nxt = _NEXT_WORD.match(text, head.end(), end)
        floor = nxt.end() if nxt else head.end()
    for m in r.cue.finditer(text, start, end):
        if m.start() < floor and m.group(0) not in (":", ";"):
            continue
        if any(ps <= m.start() < pe for ps, pe in protected):
            continue
        if whole and m.group(0) not in (":", ";", "."):
            continue
        return m.start()
    return end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space, bold marks and dangling punctuation or conjunctions from a name span."""
    while start < end and (text[start].isspace() or text[start] in "*-+•:,."):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "*-:,;."):
        end -= 1
    tail = _res().trailing_link.search(text[start:end])
    if tail:
        end = start + tail.start()
    return start, end


@dataclass
class Mention:
    """One place a body is named, with the region its tasks are in."""

    name: str
    start: int
    end: int
    region: tuple[int, int]
    source: str  # item | heading | split | dash | clause | giao | label
    parent: int | None  # id of the list the name is an item of (items of one list are different bodies)
    de_nghi: bool = False
    tasks_from: int | None = None  # where its tasks start (after the whole list, for a name split from one)

    @property
    def tasks_start(self) -> int:
        return self.tasks_from if self.tasks_from is not None else self.end


def _split(text: str, start: int, end: int, de_nghi: bool = False) -> list[tuple[int, int]]:
    """Split "A, B và C" into named organisations when each part is one.

    Commas separate names; "và" separates two names only when a name starts after it ("Hội Người cao tuổi và Hội
    Chữ thập đỏ"), never inside one ("Phòng Lao động - Thương binh và Xã hội"). Two parts are two bodies only
    when both are named organisations ("X và các tổ chức chính trị - xã hội" stays one); three or more may
    include collectives ("các tổ chức xã hội trên địa bàn tỉnh"). Two names are split only in a request ("Đề
    nghị Hội Người cao tuổi và Hội Chữ thập đỏ"); a heading "Sở Kế hoạch và Đầu tư, Sở Tài chính" is read as
    written."""
    r = _res()
    parts: list[tuple[int, int]] = []
    pos = start
    for m in _COMMA.finditer(text, start, end):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, end))
    split: list[tuple[int, int]] = []
    for ps, pe in parts:
        cut = ps
        for m in r.list_split.finditer(text, ps, pe):
            after = clean(text[m.end() : pe])
            if m.group(0).strip() and (r.split_head.match(after) or r.split_collective.match(after)):
                split.append((cut, m.start()))
                cut = m.end()
        split.append((cut, pe))
    if len(split) < (r.split_min if de_nghi else max(r.split_min, 3)):
        return [(start, end)]
    for ps, pe in split:
        part = clean(text[ps:pe])
        if len(part.split()) < 2:
            return [(start, end)]
        named = bool(r.split_head.match(part))
        if not (named or len(split) >= 3 and r.split_collective.match(part)):
            return [(start, end)]
    return split


_COMMA = regex.compile(r",\s*")


def _name_at(text: str, start: int, end: int, *, whole: bool, need_head: bool) -> tuple[int, int, bool] | None:
    """(start, end, de_nghi) of the body named at ``start``, or None."""
    r = _res()
    s = start
    while s < end and (text[s].isspace() or text[s] in "*-+•"):
        s += 1
    de_nghi = prefixed = False
    m = r.de_nghi.match(text, s, end)
    if m:
        de_nghi = prefixed = True
        s = m.end()
    m = r.giao.match(text, s, end)
    if m and not r.not_body.match(text, m.end(), end):
        s, prefixed = m.end(), True
    if need_head and not (r.head_ci if prefixed else r.head).match(text, s, end):
        return None
    if r.not_body.match(text, s, end):
        return None
    e = _cut_name(text, s, end, whole=whole)
    s, e = _trim(text, s, e)
    if e - s < 3 or not _LETTER.search(text[s:e]):
        return None
    if len(text[s:e].split()) > 30 or _CRITERION_NAME.search(text, s, e):
        return None  # "Các xã có từ 05 công trình trở lên": which units, not a body
    return s, e, de_nghi


_CRITERION_NAME = regex.compile(r"(?<!\p{L})có\s+(?:\p{L}+\s+){0,5}?\d")


_MAX_CLAUSE_WORDS = 16  # a body named in running text is short; longer runs are tasks
_MAX_ITEM_WORDS = 24


def _words(text: str) -> int:
    return len(_WORDS.findall(text))
_ITEM_KINDS = (MarkerKind.arabic, MarkerKind.decimal, MarkerKind.letter, MarkerKind.roman)
_BLOCKED = {"purpose", "target", "status", "basis", "budget", "subject", "time"}


def _mentions(doc: Doc) -> list[Mention]:
    lay = layout(doc)
    text = lay.text
    r = _res()
    out: list[Mention] = []
    item_regions: list[tuple[int, int]] = []  # regions already attributed to a body (no "Giao" inside)
    org_items: list[tuple[int, int]] = []

    def add(s: int, e: int, region: tuple[int, int], source: str, parent: int | None, de_nghi: bool) -> None:
        parts = _split(text, s, e, de_nghi)
        if parent is None and len(parts) > 1:
            parent = -s - 1  # names of one list are different bodies
        for ps, pe in parts:
            ps, pe = _trim(text, ps, pe)
            if pe - ps < 3:
                continue
            src = "split" if (ps, pe) != (s, e) and source in ("item", "heading") else source
            out.append(Mention(clean(text[ps:pe]), ps, pe, region, src, parent, de_nghi, tasks_from=e))

    for info in lay.sections:
        sec = info.section
        if not lay.in_body(sec.start):
            continue
        kind = info.inherited_kind()
        in_org_list = info.parent is not None and info.parent.kind == "org" and sec.kind in _ITEM_KINDS
        hs, he = info.head_start, info.head_end
        if in_org_list:
            # a short heading over its own paragraphs, or a name before a colon, is the name as written;
            # a heading that runs on into its tasks is cut at the first task cue
            colon = text.find(":", hs, he)
            whole = (colon != -1 and len(text[hs:colon].split()) <= 20) or (
                len(text[hs:he].split()) <= 14 and bool(text[he : sec.end].strip()))
            got = _name_at(text, hs, he, whole=whole, need_head=False)
            if got:
                s, e, dn = got
                add(s, e, (sec.start, sec.end), "item", id(info.parent.section), dn)
                item_regions.append((sec.start, sec.end))
                org_items.append((sec.start, sec.end))
            continue
        if kind in _BLOCKED:
            continue
        if sec.kind in _ITEM_KINDS:
            got = _name_at(text, hs, he, whole=False, need_head=True)
            if got and _heading_is_body(text, got, he):
                s, e, dn = got
                add(s, e, (sec.start, sec.end), "heading", id(info.parent.section) if info.parent else None, dn)
                item_regions.append((sec.start, sec.end))
        elif sec.kind in (MarkerKind.dash, MarkerKind.plus, MarkerKind.bullet):
            if any(a <= sec.start < b for a, b in org_items):
                continue  # a sub-task of an organisation item, whose body is already named
            got = _name_at(text, hs, sec.end, whole=False, need_head=True)
            if got and _words(text[got[0] : got[1]]) <= _MAX_ITEM_WORDS and r.strong.match(text, got[1], sec.end):
                s, e, dn = got
                add(s, e, (sec.start, sec.end), "dash", None, dn)
                item_regions.append((sec.start, sec.end))
    for ls, le in _label_regions(lay):
        if not any(a <= ls < b for a, b in org_items):
            _label_bodies(text, ls, le, out)
    _clause_bodies(lay, out, org_items, item_regions)
    return out


@lru_cache(maxsize=1)
def _label_re() -> regex.Pattern:
    org = load_patterns("xb_sections.yaml")["kinds"]["org"]
    return regex.compile(
        rf"(?m)^[ \t]*(?:[-+•*]+[ \t]*)?\**[ \t]*(?:\d{{1,2}}(?:\.\d{{1,2}})*\.?[ \t]*)?\**[ \t]*"
        rf"(?:{phrase_alt(org)})[ \t]*\**[ \t]*:[ \t]*\**",
        regex.I,
    )


_OTHER_LABEL = regex.compile(r"(?m)^[ \t]*\*+[^\n:]{1,60}:")


def _label_regions(lay: Layout) -> list[tuple[int, int]]:
    """Text after an assignment label ("Phân công thực hiện:", "*** Tổ chức thực hiện:**") inside a section."""
    text = lay.text
    out: list[tuple[int, int]] = []
    for m in _label_re().finditer(text, lay.body_start, lay.body_end):
        if not lay.in_body(m.start()):
            continue
        chain = [i for i in lay.chain(m.start()) if i.section.kind not in (MarkerKind.dash, MarkerKind.plus)]
        if chain and chain[-1].section.heading.start == m.start() and any(
            c.kind in _ITEM_KINDS for c in chain[-1].section.children
        ):
            continue  # an organisation section with numbered items: the items name the bodies
        end = chain[-1].section.end if chain else lay.body_end
        nxt = _OTHER_LABEL.search(text, m.end(), end)
        out.append((m.end(), nxt.start() if nxt else end))
    return out


def _heading_is_body(text: str, got: tuple[int, int, bool], head_end: int) -> bool:
    """A heading names a body when nothing but a task cue (or nothing at all) follows the name."""
    s, e, _ = got
    rest = text[e:head_end]
    return not rest.strip() or bool(_res().cue.match(rest.lstrip(" \n")) or rest.lstrip().startswith(("(", ":")))


def _split_mentions(text: str, s: int, e: int, region: tuple[int, int], source: str, de_nghi: bool) -> list[Mention]:
    """One mention per named organisation of "A, B và C", all sharing the tasks after the list."""
    out = []
    parts = _split(text, s, e, de_nghi)
    parent = -s - 1 if len(parts) > 1 else None  # names of one list are different bodies
    for ps, pe in parts:
        ps, pe = _trim(text, ps, pe)
        if pe - ps >= 3:
            out.append(Mention(clean(text[ps:pe]), ps, pe, region, source, parent, de_nghi, tasks_from=e))
    return out


def _label_bodies(text: str, start: int, end: int, out: list[Mention]) -> None:
    """Bodies after an assignment label: paragraphs or dash lines that open with a body or "Giao"."""
    for m in _LINE_OPEN.finditer(text[start:end]):
        s = start + m.end()
        if s >= end:
            continue
        eol = text.find("\n\n", s, end)
        eol = end if eol == -1 else eol
        got = _name_at(text, s, eol, whole=False, need_head=True)
        if got:
            gs, ge, dn = got
            out.extend(_split_mentions(text, gs, ge, (start, end), "label", dn))


_CLAUSE_START = regex.compile(r"(?:^|\n|[:;.][ \t]+)[ \t]*(?:[-+•][ \t]*)?(?=\p{Lu}|các\s)")


def _clause_bodies(lay: Layout, out: list[Mention], org_items: list[tuple[int, int]],
                   item_regions: list[tuple[int, int]]) -> None:
    """Bodies that open a line or follow a colon with a verb of responsibility; and "Giao <body> …"."""
    text = lay.text
    r = _res()
    taken = [(m.start, m.end) for m in out]
    for m in _CLAUSE_START.finditer(text, lay.body_start, lay.body_end):
        s = m.end()
        if s >= len(text) or not (text[s].isupper() or text.startswith("các ", s)):
            continue  # a name opens with a capital (or "các …")
        if not (r.head.match(text, s) or r.de_nghi.match(text, s) or r.giao.match(text, s)):
            continue  # nor with a body's head or "Đề nghị"/"Giao": not a body (checked again below, cheap here)
        if not lay.in_body(s) or lay.in_table(s):
            continue
        kinds = lay.kinds_at(s)
        if kinds & _BLOCKED:
            continue
        info = lay.innermost(s)
        if info is not None and info.head_start <= s < info.head_end and s == info.head_start:
            continue  # headings are handled by their section
        eol = text.find("\n\n", s, lay.body_end)
        eol = lay.body_end if eol == -1 else eol
        if any(a <= s < b for a, b in org_items):
            continue  # inside an organisation item, which already names its body
        got = _name_at(text, s, min(eol, s + 400), whole=False, need_head=True)
        if not got or any(a < got[1] and got[0] < b for a, b in taken):
            continue
        gs, ge, dn = got
        if _words(text[gs:ge]) > _MAX_CLAUSE_WORDS or not r.strong.match(text, ge, eol):
            continue
        region_end = min(eol, info.section.end) if info is not None else eol
        out.extend(_split_mentions(text, gs, ge, (gs, region_end), "clause", dn))
        taken.append((gs, ge))
    for m in r.giao_scan.finditer(text, lay.body_start, lay.body_end):
        s = m.end()
        if not lay.in_body(s) or lay.kinds_at(s) & _BLOCKED:
            continue
        if any(a <= s < b for a, b in item_regions):
            continue  # a body delegating to others
        eol = text.find("\n\n", s, lay.body_end)
        eol = lay.body_end if eol == -1 else eol
        got = _name_at(text, s, min(eol, s + 400), whole=False, need_head=False)
        if not got or any(a < got[1] and got[0] < b for a, b in taken):
            continue
        gs, ge, dn = got
        info = lay.innermost(s)
        region = (info.section.start, info.section.end) if info else (gs, eol)
        out.extend(_split_mentions(text, gs, ge, region, "giao", dn))
        taken.append((gs, ge))


# --- one assignment per body ------------------------------------------------------------------------------
_LEAD_WINDOW = 150  # "chủ trì" this near the start of a body's tasks makes it the lead
_TOKEN = regex.compile(r"[\p{L}\d]+")


def name_key(name: str) -> frozenset[str]:
    """Tokens of a name for comparison: case-folded, abbreviations expanded, small words dropped."""
    return frozenset(name_key_list(name))


@dataclass
class Body:
    """One body and every place it is named."""

    name: str
    key: frozenset[str]
    mentions: list[Mention]
    shown: Mention | None = None  # the mention whose wording is the body's name


    @property
    def first(self) -> Mention:
        return self.mentions[0]


_HEADING_SOURCES = ("item", "heading", "split")
_SAME_NAME_RATIO = 88


def _head_token(name: str) -> str | None:
    for tok in name_key_list(name):
        return tok
    return None


@lru_cache(maxsize=4096)
def name_key_list(name: str) -> tuple[str, ...]:
    r = _res()
    out: list[str] = []
    for tok in _TOKEN.findall(name.casefold()):
        out.extend(r.abbreviations.get(tok, tok).split())
    return tuple(t for t in out if t not in r.stop)


def _same_body(body: Body, m: Mention, key: frozenset[str]) -> bool:
    if m.parent is not None:
        for other in body.mentions:
            if other.parent == m.parent and (other.source in _HEADING_SOURCES) == (m.source in _HEADING_SOURCES):
                return False  # two items of one list, or two names of one "A, B và C"
    head = _head_token(m.name)
    levels = _res().level_tokens
    for other in body.mentions:
        okey = name_key(other.name)
        if key == okey:
            return True
        small, big = (key, okey) if len(key) <= len(okey) else (okey, key)
        if len(small - levels) >= 2 and small <= big:
            return True  # "Huyện đoàn" is not "Liên đoàn Lao động huyện": a level word is not a name
        # near-identical names of one body ("Các sở, ngành, đơn vị cấp tỉnh" / "Các sở, ban, ngành cấp tỉnh")
        if head == _head_token(other.name) and fuzz.token_set_ratio(
            " ".join(sorted(key)), " ".join(sorted(okey))
        ) >= _SAME_NAME_RATIO:
            return True
    return False


def bodies(doc: Doc) -> list[Body]:
    """The bodies of the plan, each once, in order of first mention; memoised per document."""
    memo = cache(doc)
    if "bodies" in memo:
        return memo["bodies"]
    mentions = sorted(_mentions(doc), key=lambda m: m.start)
    # headings first, so that a long heading name absorbs the shorter running-text forms
    ordered = sorted(mentions, key=lambda m: (m.source not in _HEADING_SOURCES, m.start))
    out: list[Body] = []
    for m in ordered:
        key = name_key(m.name)
        if not key:
            continue
        best: Body | None = None
        for body in out:
            if _same_body(body, m, key) and (best is None or len(body.key & key) > len(best.key & key)):
                best = body
        if best is None:
            out.append(Body(m.name, key, [m]))
        else:
            best.mentions.append(m)
    for body in out:
        body.mentions.sort(key=lambda m: m.start)
        named = [m for m in body.mentions if m.source in ("item", "split")] or [
            m for m in body.mentions if m.source in _HEADING_SOURCES] or body.mentions
        body.name, body.shown = named[0].name, named[0]
    out.sort(key=lambda b: b.first.start)
    memo["bodies"] = out
    return out


def _named(doc: Doc) -> tuple[list[int], list[tuple[Body, Mention]]]:
    """Every (body, mention) in reading order, with the mention starts for bisecting (memoised)."""
    memo = cache(doc)
    if "named" not in memo:
        pairs = sorted(((b, m) for b in bodies(doc) for m in b.mentions), key=lambda bm: bm[1].start)
        memo["named"] = ([m.start for _, m in pairs], pairs)
    return memo["named"]


def body_for(doc: Doc, offset: int) -> str | None:
    """The body responsible for the text at ``offset``: the one whose item is the smallest around it."""
    best: tuple[int, str] | None = None
    for body, m in _named(doc)[1]:
        s, e = m.region
        if s <= offset < e and (best is None or e - s < best[0]):
            best = (e - s, body.name)
    return best[1] if best else None


def bodies_in(doc: Doc, start: int, end: int) -> list[tuple[Body, Mention]]:
    """Bodies named in text[start:end], in reading order."""
    starts, pairs = _named(doc)
    return pairs[bisect_left(starts, start) : bisect_left(starts, end)]


def _task_text(text: str, m: Mention) -> str:
    """A mention's tasks: its item after the name, without a leading "có trách nhiệm" or colon."""
    part = clean(text[m.tasks_start : m.region[1]]).lstrip(" :;,.-")
    return _res().duty_lead.sub("", part)


def _tasks(text: str, body: Body) -> str:
    parts: list[str] = []
    seen: set[tuple[int, int]] = set()
    for m in body.mentions:
        key = (m.tasks_start, m.region[1])
        if key in seen or key[1] <= key[0]:
            continue
        seen.add(key)
        part = _task_text(text, m)
        if part:
            parts.append(part)
    out = " | ".join(parts)
    if len(out) > 300:
        cut = out.rfind(" ", 0, 300)
        out = out[: cut if cut > 0 else 300] + " …"
    return out


def _role(text: str, body: Body) -> str:
    """de_nghi for a body the plan requests ("Đề nghị …"); chu_tri when its first task says it leads;
    else the verb its tasks open with (tham mưu, phối hợp, báo cáo), or thuc_hien."""
    if any(m.de_nghi for m in body.mentions):
        return "de_nghi"
    r = _res()
    openings = [r.adverbs_lead.sub("", _task_text(text, m)[:240]) for m in body.mentions]
    if any(r.leads.search(o[:_LEAD_WINDOW]) for o in openings):
        return "chu_tri"
    for after in openings:
        for role, pattern in r.roles:
            if pattern.match(after):
                return role
    return "thuc_hien"


def run(doc: Doc) -> None:
    document = doc._.document
    text = document.text
    for body in bodies(doc):
        shown = body.shown or body.first
        record = Assignment(
            body=body.name,
            role=_role(text, body),
            tasks=_tasks(text, body) or None,
            span=evidence(document, shown.start, shown.end),
        )
        add_span(doc, "assignments", shown.start, shown.end, "assignment", record)
