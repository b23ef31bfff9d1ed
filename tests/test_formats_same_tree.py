"""Each seed rendered to DOCX (Word automatic numbering, real tables), text PDF and HTML parses to the same
section tree as the TXT: the structure does not depend on the file format."""

from __future__ import annotations

import pytest

import kehoach
from fixtures.render_docx import render_docx
from fixtures.render_html import render_html
from fixtures.render_pdf import render_pdf

from conftest import SEEDS

RENDERERS = {"docx": render_docx, "pdf": render_pdf, "html": render_html}


def tree(path) -> list[tuple]:
    doc = kehoach.read(path)
    s = kehoach.segment(doc)
    # Titles are compared on their first words: a PDF joins a hard-wrapped line with the next one.
    return [(n.depth, n.kind.value, n.marker, " ".join(n.title.split()[:6])) for n in s.walk()]


def header(path) -> tuple:
    doc = kehoach.read(path)
    s = kehoach.segment(doc)
    text = lambda r: None if r is None else " ".join(doc.text[r.start:r.end].split())  # noqa: E731
    return text(s.header.number_line), text(s.header.place_date), text(s.title)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("source", SEEDS, ids=lambda p: p.name[:3])
def test_same_section_tree(source, fmt, tmp_path) -> None:
    target = tmp_path / f"{source.stem}.{fmt}"
    RENDERERS[fmt](source, target)
    expected = tree(source)
    assert len(expected) > 40
    assert tree(target) == expected
    assert header(target) == header(source)
