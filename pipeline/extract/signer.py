"""The signer: authority line(s), position and name from the signature block (Structure.closing.signature).

The block reads, top to bottom: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the position
("PHÓ CHỦ TỊCH"), then the name. Flattened layouts wrap an authority line ("TM. ỦY BAN NHÂN" / "DÂN") and
drop the space after the prefix ("KT.CHỦ TỊCH"); both are put back. A draft has no name: it stays null,
which is what the draft checks look for.
"""

from __future__ import annotations

from functools import lru_cache

import regex
from spacy.tokens import Doc

from kehoach.pipeline.extract.citations import reference_yaml
from kehoach.pipeline.nlp import add_span, evidence
from kehoach.schemas.plan import Signer

_NAME = regex.compile(r"^(?:\p{Lu}[\p{Ll}]*)(?:\s+\p{Lu}[\p{Ll}]*){1,5}$")


def _words() -> dict:
    return reference_yaml("patterns", "signer.yaml")


@lru_cache(maxsize=1)
def _authority_re() -> regex.Pattern:
    """An authority line: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH" (prefixes from signer.yaml)."""
    prefixes = "|".join(map(regex.escape, _words()["authority_prefixes"]))
    return regex.compile(rf"^(?P<prefix>{prefixes})\s*\.\s*(?P<rest>\S.*)$")


def _upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def read_signer(text: str, start: int, end: int) -> tuple[Signer, list[tuple[int, int]]]:
    """Signer from text[start:end] and the (start, end) of each line it used."""
    words = _words()
    positions = {" ".join(p.split()) for p in words["positions"]}
    noise = {n.casefold() for n in words["noise"]}
    authority_re = _authority_re()
    lines: list[tuple[str, int, int]] = []
    pos = start
    for raw in text[start:end].split("\n"):
        stripped = raw.replace("*", " ").strip(" \t|")
        if stripped:
            left = pos + raw.find(stripped[:1]) if stripped else pos
            lines.append((" ".join(stripped.split()), left, pos + len(raw.rstrip(" \t*|"))))
        pos += len(raw) + 1

    authorities: list[str] = []
    used: list[tuple[int, int]] = []
    position = name = None
    for line, s, e in lines:
        if line.casefold() in noise:
            continue
        m = authority_re.match(line)
        if m and position is None and name is None:
            authorities.append(f"{m.group('prefix')}. {m.group('rest').strip()}")
            used.append((s, e))
        elif _upper(line) and line in positions and position is None and name is None:
            position = line
            used.append((s, e))
        elif _upper(line) and authorities and position is None and name is None:
            authorities[-1] = f"{authorities[-1]} {line}"  # a wrapped authority line
            used.append((s, e))
        elif name is None and _NAME.match(line) and not _upper(line):
            name = line
            used.append((s, e))
    signer = Signer(name=name, position=position, authority="; ".join(authorities) or None)
    return signer, used


def _decision_block(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The signature block of the decision that issues a plan, when the annexed plan has none of its own."""
    authority_re = _authority_re()
    pos = start
    for raw in text[start:end].split("\n"):
        line = " ".join(raw.replace("*", " ").split())
        if authority_re.match(line):
            stop = pos
            for _ in range(7):
                nxt = text.find("\n", stop + 1)
                stop = end if nxt == -1 or nxt > end else nxt
            return pos, stop
        pos += len(raw) + 1
    return None


def run(doc: Doc) -> None:
    document = doc._.document
    structure = doc._.structure
    text = document.text
    region = structure.closing.signature
    if region is not None:
        block = (region.start, region.end)
    elif structure.decision is not None:
        block = _decision_block(text, structure.decision.start, structure.decision.end)
    else:
        block = None
    if block is None:
        return
    block_start, block_end = block
    signer, used = read_signer(text, block_start, block_end)
    if signer.name is None and used:
        # the name may sit a few lines below the block the segmenter kept (a blank line or two between)
        stop = min([a.start for a in structure.appendices if a.start >= block_end] + [len(text)])
        tail = block_end
        for _ in range(4):
            nxt = text.find("\n", tail + 1)
            if nxt == -1 or nxt >= stop:
                tail = stop
                break
            tail = nxt
        more, extra = read_signer(text, block_end, tail)
        if more.name and not more.position and not more.authority:
            signer.name = more.name
            used.extend(extra)
    if not used:
        return
    start, end = used[0][0], used[-1][1]
    signer.span = evidence(document, start, end)
    add_span(doc, "signer", start, end, "signer", signer)
