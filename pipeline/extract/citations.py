"""The citation grammar: where a plan cites another document, and what it says about it.

A citation is read in two steps. spaCy PhraseMatchers, built from pattern files in
``corpus/reference/patterns`` (document-type words, issuing bodies), find the anchors: "Nghị quyết",
"Kế hoạch", "Luật" … and "Thủ tướng Chính phủ", "UBND" …, tolerant of the line breaks that flattened
layouts put inside them ("Nghị\\nquyết"). From each type anchor a small grammar reads what follows, in the
order Vietnamese administrative writing uses:

    <type word> [số] <symbol> [, <symbol> …] [ngày <date>] [của|giữa <issuer> [và <issuer>]] [<subject>]

so that each date attaches to the symbol it follows (a subject may itself cite another document with its own
date: "Nghị định 74/2019/NĐ-CP ngày 23/9/2019 sửa đổi Nghị định số 61/2015/NĐ-CP ngày 09/7/2015"). Symbols
cited without a type word ("Văn bản" is one; a bare "số 424/UBND-VX" is another) take their type from the
symbol's abbreviation. Short forms ("Quyết định số 90", "Kế hoạch nêu trên", "Kế hoạch này") are returned
as such; ``legal_refs`` resolves them against the full citations.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import regex
import yaml
from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kehoach.pipeline import reference
from kehoach.pipeline.dates import DateMatch, date_at

# --- pattern data -----------------------------------------------------------------------------------------


def _patterns_dir():
    return resources.files("kehoach.reference") / "patterns"


@lru_cache(maxsize=None)
def _jsonl(name: str) -> tuple[dict, ...]:
    text = (_patterns_dir() / name).read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip() and not line.startswith("//"))


@lru_cache(maxsize=None)
def reference_yaml(*parts: str) -> dict:
    """A YAML file of corpus/reference (package kehoach.reference), read once."""
    path = resources.files("kehoach.reference").joinpath(*parts)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def grammar() -> dict:
    """Vocabulary of the grammar (subject openers, law-name stops, short forms …)."""
    return reference_yaml("patterns", "citation_grammar.yaml")


@dataclass(frozen=True)
class UnitType:
    """A way plans write an administrative unit type: "huyện", "thị xã", "TP." …"""

    word: str
    canonical: str  # lower-case type as used in names: "thành phố"
    level: str | None  # None where the word alone names no level ("thành phố")
    case: bool  # abbreviations match as written


@lru_cache(maxsize=1)
def unit_types() -> tuple[UnitType, ...]:
    """Unit type words from admin_units/unit_types.yaml, longest first (qualified phrases before bare words)."""
    data = reference_yaml("admin_units", "unit_types.yaml")
    out: list[UnitType] = []
    seen: set[str] = set()
    for row in data["types"]:
        for word in row.get("words") or []:
            if word in seen:
                continue
            seen.add(word)
            abbreviation = word.upper() == word
            out.append(UnitType(word, row["type"].casefold(), row.get("level"), abbreviation))
    return tuple(sorted(out, key=lambda u: len(u.word), reverse=True))


class _Matchers:
    """PhraseMatchers for document-type words and issuing bodies, from the JSONL pattern files.

    They run over a view of the Doc without its whitespace tokens, so that a phrase broken over lines by a
    flattened layout ("Nghị\\nquyết") still matches; rows marked ``case`` (e.g. "Luật", not "pháp luật")
    match as written, the others case-folded."""

    def __init__(self, nlp_make_doc, vocab) -> None:
        self.folded = PhraseMatcher(vocab, attr="LOWER")
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.rows: dict[int, tuple[str, dict]] = {}
        for kind, name in (("type", "citation_types.jsonl"), ("issuer", "issuers.jsonl")):
            for i, row in enumerate(_jsonl(name)):
                key = f"{kind}:{i}"
                matcher = self.exact if row.get("case") else self.folded
                matcher.add(key, [nlp_make_doc(row["pattern"])])
                self.rows[vocab.strings[key]] = (kind, row)

    def __call__(self, doc: Doc) -> list[tuple[str, dict, int, int]]:
        """(kind, row, start_char, end_char) of every match."""
        arr = doc.to_array([ORTH, IDX, IS_SPACE, LENGTH])
        arr = arr[arr[:, 2] == 0]
        if not len(arr):
            return []
        # The view is made from the words' hashes: its lexemes are the Doc's own and no string is looked up.
        orths = arr[:, 0].tolist()
        view = Doc(doc.vocab, words=orths, spaces=[True] * len(orths))
        out = []
        for match_id, s, e in [*self.folded(view), *self.exact(view)]:
            kind, row = self.rows[match_id]
            out.append((kind, row, int(arr[s, 1]), int(arr[e - 1, 1]) + int(arr[e - 1, 3])))
        return out


_MATCHERS: dict[int, _Matchers] = {}


def matchers(doc: Doc) -> _Matchers:
    from kehoach.pipeline.nlp import build_nlp

    key = id(doc.vocab)
    if key not in _MATCHERS:
        _MATCHERS[key] = _Matchers(build_nlp().make_doc, doc.vocab)
    return _MATCHERS[key]


# --- the grammar ------------------------------------------------------------------------------------------

_PART = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
#: A document symbol: "90/QĐ-TTg", "07/2021/NĐ-CP", "47-KH/TU", "3067/CTrPH-UBND-BTTUBMTTQ", "24/2021/NQ".
SYMBOL = (
    rf"(?P<num>\d{{1,6}}[a-z]?)?(?:(?P<party>-{_PART}(?:/{_PART})+)"
    rf"|(?P<state>(?:/(?:19|20)\d{{2}})?(?:/{_PART}(?:-{_PART})*)+))(?![\p{{L}}\d])"
)
_SYMBOL_RE = regex.compile(SYMBOL)
_SO = regex.compile(r"\s*(?:số|Số|SỐ)(?:\s*hiệu)?\s*:?\s*")
_GAP = regex.compile(r"[ \t]*\n?[ \t]*")  # the space between two words, at most one line break
_BLANKS = regex.compile(r"[ \t\n]+")
_AND = regex.compile(r"\s+(?:và|với)\s+")
_TITLE_LEAD = regex.compile(r"[ \t\n]*[,:]?[ \t\n]*")
_CHAIN_END = regex.compile(r"(?:,|;|\s+và|\s+hoặc|\s+cũng\s+như)$")
_CLAUSE_END = regex.compile(r"\s*(?:[,.;:)]|$)")
_SO_BEFORE = regex.compile(r"(?:số|Số|SỐ)\s*:?\s*$")
_SO_TAIL = regex.compile(r"\s*(?:số)?\s*:?\s*$")
_YEAR_PART = regex.compile(r"(?:19|20)\d{2}")
_SPACE_RUN = regex.compile(r"\s+")
_CHAIN = regex.compile(r"\s*(?:,|và|&)\s*(?:số\s*)?(?=\d)")
_DATE_LEAD = regex.compile(r"\s*,?\s*(?:ban\s+hành\s+)?(?=\S)")
_SHORT_NUM = regex.compile(
    r"\s*(?:(?:số|Số)\s*:?\s*(?P<num>\d{1,6})|(?P<num>(?!(?:19|20)\d\d(?!\d))\d{1,4}))(?![\d/\-\p{L}]|[.,]\d)"
)
_NAME_WORD = regex.compile(r"(?:\p{Lu}[\p{L}']*|\d{1,2})(?![\p{L}\d])")
_WORD = regex.compile(r"[\p{L}\d'/]+")
_SESSION = regex.compile(r"(?:\s*,?\s*kh[óo]a\s+[IVXLC]+)?(?:\s*,?\s*kỳ\s+họp\s+(?:thứ\s+)?[\p{L}\d]+)?(?=\s)", regex.I)
_LIST_LINE = regex.compile(r"\n[ \t]*(?:[-+•*]|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVXLC]+\.)\s")


@dataclass
class IssuerPart:
    """One issuing body as written: its canonical head ("UBND"), unit type and name when given."""

    head: str
    unit_type: str | None = None
    name: str | None = None
    level: str | None = None
    append_name: bool = False

    def text(self) -> str:
        parts = [self.head]
        if self.unit_type:
            parts.append(self.unit_type)
        if self.name:
            parts.append(self.name)
        return " ".join(parts)


@dataclass
class Citation:
    """One place where a document is cited (a full citation, a short form, or a mention of the plan itself)."""

    kind: str  # "full" | "short_number" | "short_back" | "self" | "law"
    type: str | None
    start: int
    end: int
    number: str | None = None
    short_number: str | None = None
    date: DateMatch | None = None
    issuers: list[IssuerPart] = field(default_factory=list)
    issuer_span: tuple[int, int] | None = None
    title: str | None = None
    title_span: tuple[int, int] | None = None
    law_name: str | None = None
    head_end: int = 0
    anchor_end: int = 0
    chained: bool = False

    @property
    def blank_number(self) -> bool:
        return self.number is not None and self.number.startswith(("/", "-"))


_DASH_VARIANTS = regex.compile(r"[\u2010-\u2015\u2212]")
_SYMBOL_SEPARATORS = regex.compile(r"[/\-]")


def normalise_symbol(symbol: str) -> str:
    """The symbol as a reader writes it: no spaces, one kind of dash."""
    return _SPACE_RUN.sub("", _DASH_VARIANTS.sub("-", symbol))


def symbol_key(symbol: str) -> str:
    """Key under which two spellings of one symbol merge ("90/QĐ-TTg" = "90/QD-TTG")."""
    return reference.symbol_key(normalise_symbol(symbol))


@lru_cache(maxsize=1)
def _symbol_type_patterns() -> tuple[tuple[regex.Pattern, str], ...]:
    """(pattern, DocType value) pairs of citation_grammar.yaml for symbol parts no abbreviation names."""
    return tuple((regex.compile(pattern), label) for pattern, label in grammar().get("symbol_type_patterns", []))


@lru_cache(maxsize=1 << 12)
def type_from_symbol(symbol: str) -> str | None:
    """DocType value from a symbol's abbreviation ("90/QĐ-TTg" → quyet_dinh); "424/UBND-VX" → cong_van."""
    m = _SYMBOL_RE.fullmatch(normalise_symbol(symbol))
    if not m:
        return None
    rest = (m.group("party") or m.group("state") or "").strip("/-")
    parts = [p for p in _SYMBOL_SEPARATORS.split(rest) if p and not _YEAR_PART.fullmatch(p)]
    if not parts:
        return None
    first = parts[0]
    entry = reference.doc_types().by_abbreviation(first, party=bool(m.group("party")))
    if entry is not None:
        return entry.code.value
    for pattern, label in _symbol_type_patterns():
        if pattern.match(first):
            return label
    return "cong_van"


def _starts_with_any(text: str, pos: int, words: list[str]) -> str | None:
    """The first of ``words`` (case-folded phrases) that ``text`` starts with at ``pos`` as whole words."""
    head = text[pos:pos + 40].casefold()
    head = _SPACE_RUN.sub(" ", head)
    for w in words:
        if head.startswith(w) and (len(head) == len(w) or not head[len(w)].isalnum()):
            return w
    return None


@lru_cache(maxsize=1)
def _unit_type_after_head() -> tuple[tuple[UnitType, regex.Pattern], ...]:
    """Each unit type word as it follows an issuer head ("UBND huyện", "UBND TP."), longest first."""
    return tuple(
        (ut, regex.compile(r"\s+" + r"\s+".join(map(regex.escape, ut.word.split()))
                           + (r"(?![\p{L}\d])" if ut.word[-1].isalnum() else ""), 0 if ut.case else regex.I))
        for ut in unit_types()
    )


@lru_cache(maxsize=1)
def _title_starters() -> tuple[str, ...]:
    """Words that open a citation's subject ("về", "Quy định" …), longest first."""
    return tuple(sorted(grammar()["title_starters"], key=len, reverse=True))


@lru_cache(maxsize=1)
def _issuer_link() -> regex.Pattern:
    """The word that links a citation to its issuer: ", của", "giữa" …"""
    links = "|".join(map(regex.escape, grammar()["issuer_links"]))
    return regex.compile(rf"\s*,?\s*(?:{links})\s+", regex.I)


@lru_cache(maxsize=None)
def _phrase_pattern(phrase: str) -> regex.Pattern:
    """A case-folded phrase of the grammar as written in a text, any whitespace between its words."""
    return regex.compile(r"\s+".join(map(regex.escape, phrase.split())), regex.I)


class Reader:
    """Reads citations out of one Doc: anchors by spaCy PhraseMatchers, the rest by the grammar above."""

    def __init__(self, doc: Doc) -> None:
        # The Doc keeps its Reader (Reader.of); a weak reference back lets the two be freed without the
        # cyclic garbage collector, which would otherwise have to find every plan's objects.
        self._doc = weakref.ref(doc)
        document = doc._.document if Doc.has_extension("document") else None
        self.text = document.text if document is not None else doc.text
        self.g = grammar()
        self.m = matchers(doc)
        self._issuers_at: dict[int, tuple[int, dict]] = {}
        self._anchors: list[tuple[int, int, str]] = []
        for kind, row, start, end in self.m(doc):
            if kind == "issuer":
                prev = self._issuers_at.get(start)
                if prev is None or prev[0] < end:
                    self._issuers_at[start] = (end, row)
            else:
                self._anchors.append((start, end, row["label"]))
        self._unit_res = _unit_type_after_head()
        self._starters = _title_starters()
        self._citations: list[Citation] | None = None
        self._link = _issuer_link()

    @property
    def doc(self) -> Doc:
        return self._doc()

    def issuer_starts(self, start: int, end: int) -> list[int]:
        """Offsets in [start, end) where an issuing body's name starts."""
        return sorted(p for p in self._issuers_at if start <= p < end)

    @classmethod
    def of(cls, doc: Doc) -> Reader:
        """The Reader of a Doc, made once (header and legal_refs both read issuers from it)."""
        reader = doc.user_data.get("kehoach.citation_reader")
        if reader is None:
            reader = doc.user_data["kehoach.citation_reader"] = cls(doc)
        return reader

    def citations(self) -> list[Citation]:
        """Every citation, read once. The plan's own "Số:" line is not a citation."""
        if self._citations is None:
            structure = self.doc._.structure
            line = structure.header.number_line if structure is not None else None
            skip = [(line.start, line.end)] if line else []
            cites: list[Citation] = []
            for a_start, a_end, label in self.anchors():
                cites.extend(self.read(a_start, a_end, label))
            covered = [(c.start, max(c.head_end, c.end)) for c in cites]
            cites.extend(self.bare_symbols(covered, skip))
            cites.sort(key=lambda c: (c.start, c.anchor_end))
            self.add_titles(cites)
            _settle_dates(cites)
            self._citations = _drop_named_in_laws(cites)
        return self._citations

    # -- anchors
    def anchors(self) -> list[tuple[int, int, str]]:
        """Type-word matches, the longest where they overlap ("Chương trình phối hợp" over "Chương trình")."""
        out: list[tuple[int, int, str]] = []
        for start, end, label in sorted(self._anchors, key=lambda a: (a[0], -(a[1] - a[0]))):
            if out and start < out[-1][1]:
                continue
            out.append((start, end, label))
        return out

    # -- pieces of the grammar
    def _symbol_at(self, pos: int, require_num: bool = True) -> regex.Match | None:
        m = _SYMBOL_RE.match(self.text, pos)
        if not m or (require_num and not m.group("num")):
            return None
        return m

    def _date_after(self, pos: int) -> tuple[DateMatch | None, int]:
        lead = _DATE_LEAD.match(self.text, pos)
        if not lead:
            return None, pos
        d = date_at(self.text, lead.end(), min(len(self.text), lead.end() + 60))
        if d is None:
            return None, pos
        return d, d.end

    def _name_after(self, pos: int, limit: int | None = None, same_line: bool = False) -> tuple[str | None, int]:
        """Capitalised words naming a unit ("Hớn Quản", "Gia\\nLai"), stopping where a subject starts."""
        words: list[str] = []
        end = i = pos
        while len(words) < 5:
            gap = _GAP.match(self.text, i)
            j = gap.end()
            if j == i or (same_line and words and "\n" in gap.group(0)):
                break  # words are separated by whitespace, and the name from its unit type
            m = _NAME_WORD.match(self.text, j)
            if not m or j in self._issuers_at or _starts_with_any(self.text, j, self._starters):
                break
            if limit is not None and m.end() > limit:
                break
            words.append(m.group(0))
            end = i = m.end()
        return (" ".join(words), end) if words else (None, pos)

    def issuer_at(self, pos: int, limit: int | None = None, same_line: bool = False) -> tuple[IssuerPart, int] | None:
        """An issuing body starting at ``pos``, with its unit type and name when written (ending by ``limit``)."""
        hit = self._issuers_at.get(pos)
        if hit is None:
            return None
        end, row = hit
        part = IssuerPart(head=row["canonical"], level=row.get("level"), append_name=bool(row.get("append_name")))
        if row.get("prefix"):  # "Bộ trưởng Bộ Tài chính", "Chủ tịch UBND tỉnh"
            gap = _GAP.match(self.text, end)
            inner = self.issuer_at(gap.end(), limit, same_line) if gap.end() > end else None
            if inner is None:
                return part, end
            inner[0].head = f"{part.head} {inner[0].head}"
            return inner
        if row.get("unit"):
            for ut, pattern in self._unit_res:
                m = pattern.match(self.text, end)
                if m:
                    part.unit_type, part.level = ut.canonical, ut.level
                    end = m.end()
                    name, name_end = self._name_after(end, limit, same_line)
                    if name:
                        part.name, end = name, name_end
                    break
        elif part.append_name:
            name, name_end = self._name_after(end, limit, same_line)
            if name:
                part.name, end = name, name_end
        return part, end

    def _issuers(self, pos: int) -> tuple[list[IssuerPart], tuple[int, int] | None, int]:
        link = self._link.match(self.text, pos, min(len(self.text), pos + 20))
        if not link:
            return [], None, pos
        start = link.end()
        found = self.issuer_at(start)
        if not found:
            return [], None, pos
        parts = [found[0]]
        end = found[1]
        session = _SESSION.match(self.text, end)  # "của Quốc hội khóa XV", "của HĐND tỉnh khóa XII, kỳ họp thứ 8"
        if session:
            end = session.end()
        while True:
            more = _AND.match(self.text, end)
            if not more:
                break
            nxt = self.issuer_at(more.end())
            if not nxt:
                break
            parts.append(nxt[0])
            end = nxt[1]
        return parts, (start, end), end

    def _title(self, pos: int, stops: list[int], require_opener: bool = True) -> tuple[str | None, tuple[int, int] | None]:
        """The subject after a citation's head: from an opener ("về", "Quy định" …) up to its end."""
        text = self.text
        start = _TITLE_LEAD.match(text, pos).end()
        if start >= len(text):
            return None, None
        if require_opener and not _starts_with_any(text, start, self._starters):
            return None, None
        limit = min(len(text), start + 600)
        end = limit
        depth = 0
        i = start
        while i < limit:
            ch = text[i]
            if ch == ";":
                end = i
                break
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    end = i
                    break
                depth -= 1
            elif ch == "\n":
                if text.startswith("\n\n", i) or _LIST_LINE.match(text, i):
                    end = i
                    break
            elif ch == "." and not text.startswith("..", i) and (i == 0 or text[i - 1] != "."):
                after = text[i + 1:i + 3]
                if after == "" or after[:1] in " \n\t":
                    nxt = text[i + 1:i + 4].lstrip()
                    if not nxt or not nxt[:1].islower():
                        end = i
                        break
            i += 1
        # A citation chained after this one (", Quyết định số …", "và Nghị định …") ends the subject.
        for s in stops:
            if start < s < end:
                before = text[start:s].rstrip()
                chain = _CHAIN_END.search(before)
                if chain or before.endswith(("\nvà", " và")):
                    end = start + (chain.start() if chain else len(before))
                    break
        raw = text[start:end].rstrip(" \t\n,;:")
        if raw.endswith(".") and not raw.endswith(".."):
            raw = raw[:-1]
        if not raw.strip():
            return None, None
        title = " ".join(raw.split())
        return title, (start, start + len(raw))

    # -- one anchor
    def read(self, a_start: int, a_end: int, label: str) -> list[Citation]:
        """The head of the citation at an anchor (symbol, date, issuer); the subject is read later."""
        text = self.text
        if label == "luat":
            return self._law(a_start, a_end)
        so = _SO.match(text, a_end)
        has_so = bool(so) and so.end() > a_end
        if has_so:
            pos = so.end()
        else:
            pos = _GAP.match(text, a_end).end()
            if pos == a_end:
                return self._short(a_start, a_end, label)
        sym = self._symbol_at(pos, require_num=False)
        if sym is None or (not has_so and not sym.group("num")):
            return self._short(a_start, a_end, label)
        cites = [Citation("full", label, a_start, sym.end(), number=normalise_symbol(sym.group(0)), anchor_end=a_end)]
        pos = sym.end()
        # further symbols of the same type: "Nghị quyết số 35/2022/NQ-HĐND, 39/2022/NQ-HĐND ngày …"
        while True:
            date, after = self._date_after(pos)
            if date:
                cites[-1].date, pos = date, after
            chain = _CHAIN.match(text, pos)
            nxt = self._symbol_at(chain.end()) if chain else None
            if nxt is None:
                break
            cites.append(Citation("full", label, nxt.start(), nxt.end(), number=normalise_symbol(nxt.group(0)),
                                  anchor_end=nxt.start(), chained=True))
            pos = nxt.end()
        pos = self._tail(cites, pos)
        return cites

    def _tail(self, cites: list[Citation], pos: int) -> int:
        """Issuer (and a date written after it) shared by a group of chained citations; returns the head end."""
        issuers, ispan, pos = self._issuers(pos)
        if issuers and cites[-1].date is None:
            date, after = self._date_after(pos)  # "… của UBND tỉnh ngày 12/10/2017"
            if date:
                cites[-1].date, pos = date, after
        last_date = cites[-1].date
        for c in cites:
            c.issuers, c.issuer_span = issuers, ispan
            if c.date is None and len(cites) > 1:
                c.date = last_date
            c.head_end = c.end = pos
        return pos

    def _law(self, a_start: int, a_end: int) -> list[Citation]:
        """A law cited by its name ("Luật Trợ giúp pháp lý"), with its number and date when given."""
        text = self.text
        g = self.g
        words: list[str] = []
        end = i = a_end
        amending = False
        while len(words) < (40 if amending else 12):
            j = _GAP.match(text, i).end()
            if j == i and not (amending and text[i:i + 1] == ","):
                break
            if amending and text[j:j + 1] == ",":
                j += 1
                j += len(text[j:j + 4]) - len(text[j:j + 4].lstrip(" "))
            w = _WORD.match(text, j)
            if not w or "/" in w.group(0):
                break
            word, low = w.group(0), w.group(0).casefold()
            if not words:
                if low in g["law_not_names"] or not word[:1].isalpha():
                    return []
                amending = low == "sửa"
            elif (low in g["law_name_stops"] and not amending) or (amending and date_at(text, j, j + 40)):
                break
            words.append(word)
            end = i = w.end()
        if not words:
            return []
        name = " ".join(text[a_end:end].split())
        head = " ".join(text[a_start:a_end].split())
        cite = Citation("law", "luat", a_start, end, law_name=name, anchor_end=a_end)
        cite.title, cite.title_span = f"{head} {name}", (a_start, end)
        pos = end
        so = _SO.match(text, pos)
        sym = self._symbol_at(so.end()) if so and so.end() > pos else None
        if sym:
            cite.number, pos = normalise_symbol(sym.group(0)), sym.end()
        date, after = self._date_after(pos)
        if date:
            cite.date, pos = date, after
        issuers, ispan, after = self._issuers(pos)
        if issuers:
            cite.issuers, cite.issuer_span, pos = issuers, ispan, after
        cite.head_end = cite.end = pos
        return [cite]

    def _short(self, a_start: int, a_end: int, label: str) -> list[Citation]:
        """"Quyết định số 90", "Kế hoạch nêu trên", "Kế hoạch này"."""
        text = self.text
        m = _SHORT_NUM.match(text, a_end)
        if m:
            return [Citation("short_number", label, a_start, m.end(), short_number=m.group("num"), anchor_end=a_end)]
        gap = _BLANKS.match(text, a_end)
        if not gap:
            return []
        pos = gap.end()
        if _starts_with_any(text, pos, self.g["self_words"]):
            w = _WORD.match(text, pos)
            return [Citation("self", label, a_start, w.end(), anchor_end=a_end)]
        back = _starts_with_any(text, pos, self.g["short_form_back"])
        if back:
            end = _phrase_pattern(back).match(text, pos).end()
            if back in self.g.get("short_form_back_final", []) and not _CLAUSE_END.match(text, end):
                return []
            return [Citation("short_back", label, a_start, end, anchor_end=a_end)]
        return []

    # -- bare symbols
    def bare_symbols(self, covered: list[tuple[int, int]], skip: list[tuple[int, int]]) -> list[Citation]:
        """Symbols cited without a type word ("số 424/UBND-VX", "theo 90/QĐ-TTg"): type from the symbol."""
        text = self.text
        out: list[Citation] = []
        for m in _BARE.finditer(text):
            if not m.group("num"):
                continue
            s, e = m.start(), m.end()
            if any(a <= s < b for a, b in covered) or any(a <= s < b for a, b in skip):
                continue
            number = normalise_symbol(m.group(0))
            label = type_from_symbol(number)
            before = text[max(0, s - 12):s]
            so = _SO_BEFORE.search(before)
            if label is None or (label == "cong_van" and not so):
                continue
            lead = " ".join(text[max(0, s - 30):s].split()).casefold()
            lead = _SO_TAIL.sub("", lead)
            if any(lead.endswith(w) for w in self.g.get("bare_not_after", [])):
                continue
            start = s - (len(before) - so.start()) if so else s
            cite = Citation("full", label, start, e, number=number, anchor_end=s)
            date, after = self._date_after(e)
            if date:
                cite.date, e = date, after
            self._tail([cite], e)
            out.append(cite)
        return out

    # -- subjects
    def add_titles(self, cites: list[Citation]) -> None:
        """The subject of each full citation, ending at ";", the sentence end or the next chained citation."""
        stops = sorted({c.start for c in cites if c.kind in ("full", "law", "short_number")})
        for c in cites:
            if c.kind != "full" or c.chained:
                continue
            title, span = self._title(c.head_end, stops)
            group = [x for x in cites if x.kind == "full" and x.head_end == c.head_end]
            for x in group:
                x.title, x.title_span = title, span
                if span:
                    x.end = span[1]


_BARE = regex.compile(r"(?<![\p{L}\d/\-])" + SYMBOL)


def read_citations(doc: Doc) -> list[Citation]:
    """Every citation in the Doc, in reading order (short forms and mentions of the plan itself included)."""
    return Reader.of(doc).citations()


def _settle_dates(cites: list[Citation]) -> None:
    """A date read by two citations (a law named inside an amending law's name) belongs to the outer one."""
    owner: dict[int, Citation] = {}
    for c in cites:
        if c.date is None:
            continue
        first = owner.get(c.date.start)
        if first is None:
            owner[c.date.start] = c
        elif first.start < c.start and not c.chained:
            c.date = None


def _drop_named_in_laws(cites: list[Citation]) -> list[Citation]:
    """Laws named inside an amending law's name ("Luật sửa đổi … của Luật Tổ chức Chính phủ") are its title."""
    laws = [c for c in cites if c.kind == "law" and c.title_span]
    return [c for c in cites if not (c.kind == "law" and any(
        o is not c and o.title_span[0] < c.start < o.title_span[1] for o in laws))]
