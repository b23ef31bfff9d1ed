"""Amounts in digits against the same amounts in words: "18.500.000 đồng (Mười tám triệu đồng)".

Plans write money twice, in digits and in words, so that a figure cannot be misread; when the two differ one
of them is wrong and the plan cannot be executed as written. The digits and the words are parsed by
``kehoach.pipeline.numbers`` (find_amounts, words_to_number); this module only compares them. It reads the
normalised text directly, so it works whatever the extractors found.
"""

from __future__ import annotations

import regex

from kehoach.pipeline.checks.registry import CheckContext, rule
from kehoach.pipeline.numbers import find_amounts, words_to_number

# "Bằng chữ: …" written after the amount rather than in brackets right after it.
_IN_WORDS_START = regex.compile(r"\(?\s*bằng\s+chữ\s*:?\s*", regex.I)
_WORDS = regex.compile(r"(?P<words>[\p{L}\s,]+?)\s*(?:\)|[.;\n]|$)")


def _fmt(vnd: int) -> str:
    s = str(vnd)
    groups = []
    while len(s) > 3:
        groups.insert(0, s[-3:])
        s = s[:-3]
    return ".".join([s] + groups)


_DIGIT = regex.compile(r"\d")


def amount_pairs(text: str, lookahead: int = 40):
    """(digits start, digits end, value, words start, words end, words value) for each amount given both ways."""
    for a in find_amounts(text):
        if a.in_words_vnd is not None and a.words_start is not None:
            yield a.start, a.end, a.amount_vnd, a.words_start, a.words_end, a.in_words_vnd
            continue
        head = _IN_WORDS_START.search(text, a.end, min(len(text), a.end + lookahead))
        if head is None or _DIGIT.search(text[a.end:head.start()]):
            continue
        m = _WORDS.match(text, head.end())
        if m is None:
            continue
        value = words_to_number(m.group("words"))
        if value is not None:
            yield a.start, a.end, a.amount_vnd, m.start("words"), m.end("words"), value


@rule("amount_words_mismatch", "error",
      "Số tiền bằng số \"{digits}\" ({amount}) khác số tiền bằng chữ \"{words}\" ({amount_words}).",
      "The amount in digits \"{digits}\" ({amount}) differs from the amount in words \"{words}\" ({amount_words}).")
def amount_words_mismatch(ctx: CheckContext):
    text = ctx.document.text
    lookahead = int(ctx.config.get("lookahead", 40))
    for start, end, value, w_start, w_end, w_value in amount_pairs(text, lookahead):
        if value == w_value:
            continue
        close = text.find(")", w_end, w_end + 3)
        yield [ctx.span(start, close + 1 if close != -1 else w_end)], {
            "digits": " ".join(text[start:end].split()), "words": " ".join(text[w_start:w_end].split()),
            "amount": _fmt(value), "amount_words": _fmt(w_value), "amount_vnd": value, "words_vnd": w_value}
