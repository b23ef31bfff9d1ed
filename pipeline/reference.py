"""Reference data as typed objects, loaded once: administrative units, national programme catalogues,
national documents, document types and bodies.

The data live in corpus/reference (package ``kehoach.reference``) with their sources; this module only reads
them. Names are compared through ``name_key``: NFC, case folding, one tone-mark placement ("Hoà" = "Hòa",
"Thuỷ" = "Thủy") and one spelling of dashes and spaces, so the variants plans write find the same entry.
"""

from __future__ import annotations

import csv
import gzip
import io
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import regex
import yaml

from kehoach.schemas.plan import DocType, Level

Era = Literal["legacy", "2025"]

# --- keys ------------------------------------------------------------------------------------------------

_TONED_A_E = "àáảãạèéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# "oà", "oè", "uỳ" closing a syllable: the tone goes on the first vowel ("hòa", "khỏe", "thủy"), the placement
# pipeline.normalize also uses. After q the u is part of the consonant ("quý"), so it is left alone.
_NEW_STYLE = regex.compile(
    rf"(?<![qQ])([oO])([{_TONED_A_E}{_TONED_A_E.upper()}])(?!\p{{L}})"
    rf"|(?<![qQ])([uU])([{_TONED_Y}{_TONED_Y.upper()}])(?!\p{{L}})"
)
_DASHES = regex.compile(r"\s*[\-\u2010-\u2015\u2212]\s*")
_SPACES = regex.compile(r"\s+")
_DASH_VARIANTS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # what _DASHES accepts besides "-"
_SPLIT_NOT_SPACE = "\x1c\x1d\x1e\x1f"  # str.split() breaks at these; regex's \s does not


def _move_tone(m: regex.Match) -> str:
    first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    decomposed = unicodedata.normalize("NFD", second)
    tone = "".join(ch for ch in decomposed if ch in _TONES)
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return unicodedata.normalize("NFC", first + tone) + bare


# Keys of strings up to this length are memoised: names, words and phrases recur across rules and plans;
# whole texts do not, and keeping them would hold every document's text in memory.
_MEMO_MAX_LEN = 300


def fold_tone_placement(text: str) -> str:
    """NFC text with the tone of syllable-final oa/oe/uy on the first vowel: "Hoà" → "Hòa", "Thuỷ" → "Thủy"."""
    return _NEW_STYLE.sub(_move_tone, unicodedata.normalize("NFC", text))


def _single_spaces(text: str) -> str:
    """Each whitespace run (regex ``\\s+``) as one space, without the runs at either end."""
    if any(ch in text for ch in _SPLIT_NOT_SPACE):
        return _SPACES.sub(" ", text).strip(" ")
    return " ".join(text.split())  # the same, in one pass of C instead of the regex engine's


def _name_key(text: str) -> str:
    # Whitespace runs are made single spaces first, so a dash then sheds at most one space on either side:
    # the key is the one of rewriting "\s*<dash>\s*" to "-" and then folding the runs, at a fraction of the
    # cost on whole texts (the regex engine would try "\s*<dash>" at every position).
    key = _single_spaces(fold_tone_placement(text).casefold())
    for dash in _DASH_VARIANTS:
        if dash in key:
            key = key.replace(dash, "-")
    return key.replace(" -", "-").replace("- ", "-").strip(" .,;:")


_memo_name_key = lru_cache(maxsize=1 << 16)(_name_key)


def name_key(text: str) -> str:
    """Comparison key for names: folded tone placement, case folded, one dash and single spaces."""
    return _memo_name_key(text) if len(text) <= _MEMO_MAX_LEN else _name_key(text)


def ascii_key(text: str) -> str:
    """Key without any diacritics ("Đắk Lắk" → "dak lak"): a loose fallback for unaccented or OCR text."""
    decomposed = unicodedata.normalize("NFD", name_key(text).replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1 << 14)
def symbol_key(symbol: str) -> str:
    """Key for document symbols: "90/QĐ-TTg", "90/QD - TTG" and "90 / QĐ–TTg" compare equal."""
    key = unicodedata.normalize("NFC", symbol).casefold().replace("đ", "d")
    key = _DASHES.sub("-", key)
    return _SPACES.sub("", key)


def _resource(*parts: str):
    node = files("kehoach.reference")
    for part in parts:
        node = node / part
    return node


def _yaml(*parts: str) -> Any:
    return yaml.safe_load(_resource(*parts).read_text(encoding="utf-8"))


def _csv_gz(*parts: str) -> list[dict[str, str]]:
    raw = gzip.decompress(_resource(*parts).read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


# --- administrative units -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AdminUnit:
    """One province, district or commune. ``parent`` chains up to the province; identity is (era, level, code)."""

    code: str
    type: str
    name: str
    level: Level
    era: Era
    parent: AdminUnit | None = field(default=None, repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"

    def ancestors(self) -> list[AdminUnit]:
        """Parent, grandparent …, nearest first."""
        out, unit = [], self.parent
        while unit is not None:
            out.append(unit)
            unit = unit.parent
        return out

    @property
    def province(self) -> AdminUnit:
        return (self.ancestors() or [self])[-1]

    @property
    def district(self) -> AdminUnit | None:
        if self.level == "huyen":
            return self
        return next((u for u in self.ancestors() if u.level == "huyen"), None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AdminUnit):
            return NotImplemented
        return (self.era, self.level, self.code) == (other.era, other.level, other.code)

    def __hash__(self) -> int:
        return hash((self.era, self.level, self.code))

    def __str__(self) -> str:
        return ", ".join(u.full_name for u in [self, *self.ancestors()])


@dataclass(frozen=True)
class UnitType:
    type: str
    level: Level | None
    words: tuple[str, ...]


class AdminUnits:
    """The gazetteer: units before the 2025 reform ("legacy") and after it ("2025"), with name lookups."""

    def __init__(self, units: list[AdminUnit], types: list[UnitType], successors: dict[str, list[tuple[str, bool]]]):
        self.units = units
        self.types = types
        self._by_key: dict[str, list[AdminUnit]] = defaultdict(list)
        self._by_ascii: dict[str, list[AdminUnit]] = defaultdict(list)
        self._children: dict[AdminUnit, list[AdminUnit]] = defaultdict(list)
        self._by_code: dict[tuple[Era, str], AdminUnit] = {}
        for u in units:
            self._by_key[name_key(u.name)].append(u)
            self._by_ascii[ascii_key(u.name)].append(u)
            if u.parent is not None:
                self._children[u.parent].append(u)
            if u.level == "xa":
                self._by_code[(u.era, u.code)] = u
        self._successors = successors
        # Longest type words first, so "thành phố thuộc tỉnh" wins over "thành phố".
        self._type_words = sorted(
            ((name_key(w), t) for t in types for w in t.words), key=lambda p: len(p[0]), reverse=True
        )
        words = sorted({w.rstrip(".") for t in types for w in t.words}, key=len, reverse=True)
        self._type_patterns = [
            regex.compile(r"(?P<type>" + r"\s+".join(map(regex.escape, w.split())) + r"\.?)\s+(?P<rest>\S.*)",
                          regex.IGNORECASE)
            for w in words
        ]

    def __len__(self) -> int:
        return len(self.units)

    # types
    def parse_type(self, word: str, loose: bool = False) -> list[UnitType]:
        """Unit types a type word may mean ("thành phố" → both city types; "thị xã" → Thị xã); ``loose``
        also accepts the word without diacritics ("xa", "thi xa")."""
        key = name_key(word)
        exact = [t for k, t in self._type_words if k == key]
        if not exact and loose:
            exact = [t for k, t in self._type_words if ascii_key(k) == ascii_key(key)]
        if not exact:
            return []
        if exact[0].level is not None:
            return exact[:1]
        return [t for t in self.types if name_key(t.type) == name_key(exact[0].type) and t.level is not None]

    def level_of(self, word: str) -> Level | None:
        """Level a type word implies: "xã" → xa, "thị xã" → huyen, "tỉnh" → tinh; "thành phố" alone → None."""
        levels = {t.level for t in self.parse_type(word)}
        return levels.pop() if len(levels) == 1 else None

    def split_type(self, text: str) -> tuple[str | None, str]:
        """"huyện Hớn Quản" → ("huyện", "Hớn Quản"), "TP. Vĩnh Yên" → ("TP.", "Vĩnh Yên"); text without a
        leading type word → (None, text)."""
        folded = fold_tone_placement(text).strip()
        for pattern in self._type_patterns:
            m = pattern.match(folded)
            if m:
                return m.group("type"), m.group("rest")
        return None, text

    # lookups
    def find(
        self,
        type_: str | None,
        name: str,
        *,
        within: AdminUnit | str | None = None,
        era: Era | None = None,
        loose: bool = False,
    ) -> list[AdminUnit]:
        """Units called ``name`` (and of type ``type_`` when given), legacy units first.

        ``name`` may carry its type ("xã Tân Lợi"). ``within`` keeps units under that unit (or under any unit
        of that name: "Việt Yên", "huyện Hớn Quản"). ``loose`` falls back to a match without diacritics when
        nothing matches exactly (unaccented or OCR text).
        """
        if type_ is None:
            type_, name = self.split_type(name)
        wanted = self.parse_type(type_, loose=loose) if type_ else None
        if type_ and not wanted:
            return []
        found = self._filter(self._by_key.get(name_key(name), []), wanted, within, era)
        if not found and loose:
            found = self._filter(self._by_ascii.get(ascii_key(name), []), wanted, within, era)
        return sorted(found, key=lambda u: (u.era != "legacy", u.code))

    def _filter(self, units, wanted, within, era) -> list[AdminUnit]:
        out = []
        for u in units:
            if era and u.era != era:
                continue
            if wanted is not None and not _type_matches(u, wanted):
                continue
            if within is not None and not self._is_within(u, within):
                continue
            out.append(u)
        return out

    def _is_within(self, unit: AdminUnit, within: AdminUnit | str) -> bool:
        if isinstance(within, AdminUnit):
            return within in unit.ancestors()
        type_, name = self.split_type(within)
        key = name_key(name)
        wanted = self.parse_type(type_) if type_ else None
        return any(name_key(a.name) == key and (wanted is None or _type_matches(a, wanted)) for a in unit.ancestors())

    def units_under(self, unit: AdminUnit | str) -> list[AdminUnit]:
        """Direct children: districts of a legacy province, communes of a district or of a 2025 province.
        A name must resolve to exactly one unit that has children."""
        if isinstance(unit, str):
            candidates = [u for u in self.find(None, unit) if self._children.get(u)]
            if len(candidates) != 1:
                raise LookupError(f"{unit!r} names {len(candidates)} units with children: "
                                  + "; ".join(f"{u} ({u.era})" for u in candidates))
            unit = candidates[0]
        return list(self._children.get(unit, []))

    def provinces(self, era: Era = "legacy") -> list[AdminUnit]:
        return [u for u in self.units if u.level == "tinh" and u.era == era]

    def successors(self, unit: AdminUnit) -> list[AdminUnit]:
        """The 2025 commune(s) a legacy commune became, the main successor first."""
        links = self._successors.get(unit.code, []) if unit.era == "legacy" and unit.level == "xa" else []
        ordered = sorted(links, key=lambda link: not link[1])
        return [self._by_code[("2025", code)] for code, _ in ordered if ("2025", code) in self._by_code]


def _type_matches(unit: AdminUnit, wanted: list[UnitType]) -> bool:
    return any(name_key(t.type) == name_key(unit.type) and t.level in (None, unit.level) for t in wanted)


def _type_level(types: list[UnitType], type_name: str, level_hint: Level) -> Level:
    levels = {t.level for t in types if name_key(t.type) == name_key(type_name) and t.level}
    return level_hint if level_hint in levels or not levels else levels.pop()


@lru_cache(maxsize=1)
def admin_units() -> AdminUnits:
    """The gazetteer (corpus/reference/admin_units), built once."""
    raw_types = _yaml("admin_units", "unit_types.yaml")["types"]
    types = [UnitType(type=t["type"], level=t.get("level"), words=tuple(t["words"])) for t in raw_types]
    units: list[AdminUnit] = []
    provinces: dict[tuple[Era, str], AdminUnit] = {}
    districts: dict[str, AdminUnit] = {}

    def province(era: Era, row: dict[str, str]) -> AdminUnit:
        key = (era, row["province_code"])
        if key not in provinces:
            provinces[key] = AdminUnit(row["province_code"], row["province_type"], row["province"], "tinh", era)
            units.append(provinces[key])
        return provinces[key]

    for row in _csv_gz("admin_units", "units_legacy.csv.gz"):
        p = province("legacy", row)
        d = districts.get(row["district_code"])
        if d is None:
            d = AdminUnit(row["district_code"], row["district_type"], row["district"],
                          _type_level(types, row["district_type"], "huyen"), "legacy", p)
            districts[row["district_code"]] = d
            units.append(d)
        if row["ward_code"]:
            units.append(AdminUnit(row["ward_code"], row["ward_type"], row["ward"], "xa", "legacy", d))
    for row in _csv_gz("admin_units", "units_2025.csv.gz"):
        p = province("2025", row)
        units.append(AdminUnit(row["ward_code"], row["ward_type"], row["ward"], "xa", "2025", p))
    successors: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for row in _csv_gz("admin_units", "legacy_to_2025.csv.gz"):
        if row["legacy_ward_code"]:
            successors[row["legacy_ward_code"]].append((row["ward_2025_code"], row["default"] == "1"))
    return AdminUnits(units, types, dict(successors))


# --- programmes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocRef:
    """A document by type, symbol, ISO date and issuer."""

    type: DocType
    number: str
    date: str | None
    issuer: str
    title: str | None = None


@dataclass(frozen=True)
class SubProject:
    number: int
    name: str
    verified: bool = True
    note: str | None = None


@dataclass(frozen=True)
class Project:
    number: int
    name: str
    short_name: str | None = None
    subprojects: tuple[SubProject, ...] = ()
    verified: bool = True

    def subproject(self, number: int) -> SubProject | None:
        return next((s for s in self.subprojects if s.number == number), None)


@dataclass(frozen=True)
class Component:
    """A "nội dung thành phần" of a programme that is not split into numbered projects."""

    number: int
    name: str


@dataclass(frozen=True)
class Programme:
    """A national target programme as its approving decision structures it."""

    key: str
    name: str
    start_year: int
    end_year: int
    valid_from: str
    valid_to: str
    source: DocRef
    investment_policy: DocRef | None
    managing_body: str | None
    verified: bool | str  # True, False or "partial" (see verified_by)
    verified_by: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    part_words: dict[str, tuple[str, ...]]
    projects: tuple[Project, ...] = ()
    components: tuple[Component, ...] = ()
    components_verified: bool = True

    def project(self, number: int) -> Project | None:
        return next((p for p in self.projects if p.number == number), None)

    def has(self, project: int, subproject: int | None = None) -> bool:
        """Whether "Dự án ``project``" (and its "Tiểu dự án ``subproject``") exists in the programme."""
        p = self.project(project)
        return p is not None and (subproject is None or p.subproject(subproject) is not None)

    def mentioned_in(self, text: str) -> bool:
        """True when ``text`` names the programme by one of its aliases."""
        key = name_key(text)
        return any(name_key(a) in key for a in self.aliases)


def _docref(raw: dict | None) -> DocRef | None:
    if not raw:
        return None
    return DocRef(type=DocType(raw["type"]), number=raw["number"], date=raw.get("date"),
                  issuer=raw["issuer"], title=raw.get("title"))


def _programme(raw: dict) -> Programme:
    projects = tuple(
        Project(
            number=p["number"], name=p["name"], short_name=p.get("short_name"), verified=p.get("verified", True),
            subprojects=tuple(SubProject(number=s["number"], name=s["name"], verified=s.get("verified", True),
                                         note=s.get("note")) for s in p.get("subprojects") or ()),
        )
        for p in raw.get("projects") or ()
    )
    comp = raw.get("components") or {}
    return Programme(
        key=raw["key"], name=raw["name"], start_year=raw["period"]["start_year"], end_year=raw["period"]["end_year"],
        valid_from=raw["valid_from"], valid_to=raw["valid_to"], source=_docref(raw["source"]),
        investment_policy=_docref(raw.get("investment_policy")), managing_body=raw.get("managing_body"),
        verified=raw["verified"], verified_by=" ".join(raw["verified_by"].split()),
        aliases=tuple(raw.get("aliases") or ()), keywords=tuple(raw.get("keywords") or ()),
        part_words={k: tuple(v) for k, v in (raw.get("part_words") or {}).items()},
        projects=projects,
        components=tuple(Component(number=c["number"], name=c["name"]) for c in comp.get("items") or ()),
        components_verified=comp.get("verified", True),
    )


@lru_cache(maxsize=1)
def programmes() -> dict[str, Programme]:
    """Every programme catalogue in corpus/reference/programmes, by key."""
    out = {}
    for entry in sorted(_resource("programmes").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            prog = _programme(yaml.safe_load(entry.read_text(encoding="utf-8")))
            out[prog.key] = prog
    return out


def programme(key: str) -> Programme:
    """One programme catalogue; KeyError names the known keys."""
    try:
        return programmes()[key]
    except KeyError:
        raise KeyError(f"no programme {key!r}; known: {', '.join(programmes())}") from None


# --- national documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalDocument:
    number: str
    type: DocType
    date: str | None
    issuer: str
    title: str
    variants: tuple[str, ...] = ()
    programme: str | None = None
    verified: bool = False
    verified_by: str = ""


class NationalDocuments:
    """Well-known national documents, looked up by symbol in any of its written forms."""

    def __init__(self, docs: list[NationalDocument]):
        self.docs = docs
        self._by_symbol = {symbol_key(v): d for d in docs for v in (d.number, *d.variants)}

    def get(self, number: str) -> NationalDocument | None:
        return self._by_symbol.get(symbol_key(number))

    def __iter__(self) -> Iterator[NationalDocument]:
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)


@lru_cache(maxsize=1)
def national_documents() -> NationalDocuments:
    raw = _yaml("national_documents.yaml")["documents"]
    return NationalDocuments([
        NationalDocument(number=d["number"], type=DocType(d["type"]), date=d.get("date"), issuer=d["issuer"],
                         title=d["title"], variants=tuple(d.get("variants") or ()), programme=d.get("programme"),
                         verified=bool(d.get("verified")), verified_by=d.get("verified_by", ""))
        for d in raw
    ])


# --- document types -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocTypeEntry:
    code: DocType
    words: tuple[str, ...]
    abbreviations: tuple[str, ...]
    variant: str | None = None


@dataclass(frozen=True)
class IssuerCode:
    code: str
    name: str
    level: Level | None
    note: str | None = None


@dataclass(frozen=True)
class DocTypes:
    """Type words and symbol abbreviations → DocType; issuer codes in symbols → issuer and level."""

    types: tuple[DocTypeEntry, ...]
    party: tuple[DocTypeEntry, ...]
    issuers: tuple[IssuerCode, ...]
    departments: dict[str, str]

    def by_word(self, text: str) -> DocTypeEntry | None:
        """The type a text starts with, longest word first ("Thông tư liên tịch số …" → thong_tu/lien_tich)."""
        key = name_key(text)
        best = None
        for entry in self.types:
            for w in entry.words:
                wk = name_key(w)
                if (key == wk or key.startswith(wk + " ")) and (best is None or len(wk) > best[0]):
                    best = (len(wk), entry)
        return best[1] if best else None

    def by_abbreviation(self, abbreviation: str, party: bool = False) -> DocTypeEntry | None:
        """Type of a symbol part: "QĐ" → quyet_dinh; in a Party symbol ("12-TT/TW") "TT" is a thông tri.
        Exact spelling wins over the spelling without "Đ" ("ĐA" is a đề án, "DA" a dự án)."""
        pools = (self.party, self.types) if party else (self.types,)
        for key_of in (_exact_key, symbol_key):
            key = key_of(abbreviation)
            for pool in pools:
                for entry in pool:
                    if any(key_of(a) == key for a in entry.abbreviations):
                        return entry
        return None

    def issuer(self, code: str) -> IssuerCode | None:
        for key_of in (_exact_key, symbol_key):
            key = key_of(code)
            found = next((i for i in self.issuers if key_of(i.code) == key), None)
            if found:
                return found
        return None


@lru_cache(maxsize=1 << 14)
def _exact_key(symbol: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFC", symbol).casefold())


@lru_cache(maxsize=1)
def doc_types() -> DocTypes:
    raw = _yaml("doc_types.yaml")

    def entry(d: dict, abbrs: list[str] | None = None) -> DocTypeEntry:
        return DocTypeEntry(code=DocType(d["code"]), words=tuple(d.get("words") or ()),
                            abbreviations=tuple(abbrs if abbrs is not None else d.get("abbreviations") or ()),
                            variant=d.get("variant"))

    return DocTypes(
        types=tuple(entry(d) for d in raw["doc_types"]),
        party=tuple(entry(d, [d["abbreviation"]]) for d in raw["party_abbreviations"]),
        issuers=tuple(IssuerCode(code=i["code"], name=i["name"], level=i.get("level"), note=i.get("note"))
                      for i in raw["issuer_codes"]),
        departments={d["code"]: d["name"] for d in raw["department_codes"]},
    )


# --- bodies ---------------------------------------------------------------------------------------------


_BODY_KEY_DROPPED = regex.compile(r"[\-&.]")


def body_key(text: str) -> str:
    """Key for body names: name_key without dashes, "&" and dots ("LĐ-TB&XH" = "LĐTBXH")."""
    key = _BODY_KEY_DROPPED.sub("", name_key(text))
    return _SPACES.sub(" ", key).strip()


@dataclass(frozen=True)
class Body:
    key: str
    name: str
    kind: str
    levels: tuple[Level, ...]
    abbreviations: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    note: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.abbreviations, *self.variants)


class Bodies:
    """Bodies that receive tasks, matched by any of their names."""

    def __init__(self, bodies: list[Body]):
        self.bodies = bodies
        forms = [(body_key(n), b) for b in bodies for n in b.names]
        self._forms = sorted(forms, key=lambda f: len(f[0]), reverse=True)

    def __iter__(self) -> Iterator[Body]:
        return iter(self.bodies)

    def __len__(self) -> int:
        return len(self.bodies)

    def get(self, key: str) -> Body | None:
        return next((b for b in self.bodies if b.key == key), None)

    def match(self, text: str) -> Body | None:
        """The body a phrase starts with, longest name first ("Phòng LĐ-TB&XH huyện" → Phòng LĐTBXH)."""
        key = body_key(text)
        for form, body in self._forms:
            if key == form or key.startswith(form + " "):
                return body
        return None


@lru_cache(maxsize=1)
def bodies() -> Bodies:
    raw = _yaml("bodies.yaml")["bodies"]
    return Bodies([
        Body(key=b["key"], name=b["name"], kind=b["kind"], levels=tuple(b["levels"]),
             abbreviations=tuple(b.get("abbreviations") or ()), variants=tuple(b.get("variants") or ()),
             note=b.get("note"))
        for b in raw
    ])


def level_of(unit_type: str) -> Level | None:
    """Level a unit type word implies (see AdminUnits.level_of)."""
    return admin_units().level_of(unit_type)


def units_under(province: str | None, district: str | None = None, era: Era = "legacy") -> list[str]:
    """Full names of the units under a province (its districts) or under a district of it (its communes):
    ``units_under("Gia Lai")`` → ["Thành phố Pleiku", …]; ``units_under("Gia Lai", "Kbang")`` → ["Xã …", …].
    Names may carry their type ("tỉnh Gia Lai", "huyện Kbang"). [] when the names do not resolve to one unit."""
    au = admin_units()
    provinces = au.find(None, province, era=era) if province else []
    provinces = [u for u in provinces if u.level == "tinh"]
    if district is None:
        return [u.full_name for u in au.units_under(provinces[0])] if len(provinces) == 1 else []
    within = provinces[0] if len(provinces) == 1 else None
    found = [u for u in au.find(None, district, within=within, era=era) if u.level == "huyen"]
    return [u.full_name for u in au.units_under(found[0])] if len(found) == 1 else []


def programme_projects(key: str | None) -> set[tuple[int, int | None]] | None:
    """(project, sub-project) pairs of a programme, (n, None) for each project; None for an unknown key or a
    programme without numbered projects (nông thôn mới)."""
    prog = programmes().get(key) if key else None
    if prog is None or not prog.projects:
        return None
    pairs: set[tuple[int, int | None]] = set()
    for p in prog.projects:
        pairs.add((p.number, None))
        pairs |= {(p.number, s.number) for s in p.subprojects}
    return pairs
