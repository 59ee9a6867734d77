"""Vietnamese typography rules applied to every text a user writes.

- text is stored NFC (precomposed), the form Word and the decree's TCVN 6909 expect;
- characters XML cannot hold (control characters pasted from Word) are dropped (the reader
  reports each with its location); zero-width characters are kept (emoji and some scripts
  need them);
- spaces are collapsed, none before , . ; : ! ? ) and none after (;
- straight double quotes become “typographic” quotes;
- list items end with ";" and the last one with "." (bases, recipients).

Inline emphasis uses Markdown's marks: ``**bold**``, ``*italic*``, ``***both***``, and
``^[text]`` for a footnote; a backslash escapes a mark (``\\*``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# XML 1.0 forbids C0 controls except tab/newline/CR, and U+FFFE/U+FFFF; lone surrogates
# cannot be encoded at all; C1 controls (U+0080-U+009F) are legal XML that Word refuses.
#: Characters XML 1.0 cannot hold (and C1 controls): never written to a document.
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?)\]…])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) +")
_LIST_END = re.compile(r"[\s;,.:]+$")


# What one of clean()'s steps would change: a CR, a character XML cannot hold, a space other than
# U+0020 or a straight double quote (_NEEDS_CLEAN); two spaces or a space before punctuation
# (_SPACE_BEFORE); a space after an opening bracket; white space at either end of a line.
_NEEDS_CLEAN = re.compile(
    "[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\t\u00a0\u2002-\u200a\u202f\u3000\"]")
_SPACE_BEFORE = re.compile(" [ ,.;:!?)\\]…]")
_LINE_END_SPACE = re.compile(r"\s\n|\n\s")


def clean(text: str) -> str:
    """NFC, XML-safe, whitespace-normalised text of one paragraph (newlines kept)."""
    if (_NEEDS_CLEAN.search(text) is None and _SPACE_BEFORE.search(text) is None
            and "( " not in text and "[ " not in text and not text[:1].isspace() and not text[-1:].isspace()
            and ("\n" not in text or _LINE_END_SPACE.search(text) is None)
            and unicodedata.is_normalized("NFC", text)):
        return text        # already clean (most texts): each step of _clean would keep it as it is
    return _clean(text)


def _clean(text: str) -> str:
    """:func:`clean` step by step."""
    text = XML_BAD.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = unicodedata.normalize("NFC", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    return smart_quotes(text)


def smart_quotes(text: str) -> str:
    """Pair straight double quotes into “ and ”; an unpaired one is left as is."""
    if text.count('"') < 2:
        return text
    parts = text.split('"')
    out = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        opening = i % 2 == 1
        if opening and i == len(parts) - 1:   # odd one out: keep it straight
            out.append('"' + part)
        else:
            out.append(("“" if opening else "”") + part)
    return "".join(out)


def list_item(text: str, last: bool) -> str:
    """End an item of an enumeration with ";" or, for the last one, "."."""
    body = _LIST_END.sub("", text)
    return body + ("." if last else ";")


def end_sentence(text: str, mark: str = "./.") -> str:
    """Close the last sentence of a document's content with ``mark`` (default "./.")."""
    body = text.rstrip()
    if body.endswith(mark):
        return body
    body = re.sub(r"[\s.;,:]+$", "", body)
    return body + mark


def upper_vi(text: str) -> str:
    """IN HOA for Vietnamese text (NFC kept: "đ" → "Đ")."""
    return unicodedata.normalize("NFC", text.upper())


@dataclass(frozen=True)
class Span:
    """A stretch of text with one emphasis; ``note`` holds a footnote's own spans."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    note: tuple[Span, ...] | None = field(default=None)


class MarkupError(ValueError):
    """Unbalanced emphasis or footnote marks in a text.

    ``pos`` is the offset of the offending mark in the text and ``mark`` the mark itself
    ("**", "*", "^["), so a reader can point at the mark's own line and column.
    """

    def __init__(self, message: str, pos: int = 0, mark: str = ""):
        super().__init__(message)
        self.pos = pos
        self.mark = mark


_TOKEN = re.compile(r"\\[*\\^\[\]]|\*\*\*|\*\*|\*|\^\[|\]")


def parse_inline(text: str) -> list[Span]:
    """Split ``text`` into spans by its emphasis and footnote marks.

    >>> parse_inline("a **b** *c*")
    [Span(text='a '...), Span(text='b', bold=True...), Span(text=' '...), Span(text='c'...italic=True...)]
    """
    # no marks at all (most task-table cells): one plain span; every mark holds one of \ * ^ ]
    # (looking for those four first is ~6x faster than the search)
    if ("*" not in text and "]" not in text and "^" not in text and "\\" not in text) or _TOKEN.search(text) is None:
        return [Span(text)] if text else []
    spans, pos = _parse(text, 0, nested=False)
    return spans


def _parse(text: str, pos: int, nested: bool) -> tuple[list[Span], int]:
    spans: list[Span] = []
    bold = italic = False
    bold_at = italic_at = -1            # where the open ** / * marks are
    start = pos - 2
    buf: list[str] = []

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), bold, italic))
            buf.clear()

    def unclosed(message: str) -> MarkupError:
        at, mark = max((bold_at, "**"), (italic_at, "*")) if bold and italic else \
            ((bold_at, "**") if bold else (italic_at, "*"))
        return MarkupError(message, at, mark)

    while pos < len(text):
        m = _TOKEN.search(text, pos)
        if m is None:
            buf.append(text[pos:])
            pos = len(text)
            break
        buf.append(text[pos:m.start()])
        tok = m.group()
        pos = m.end()
        if tok.startswith("\\"):
            buf.append(tok[1])
        elif tok == "***":
            flush()
            bold, italic = not bold, not italic
            bold_at = italic_at = m.start()
        elif tok == "**":
            flush()
            bold = not bold
            bold_at = m.start()
        elif tok == "*":
            flush()
            italic = not italic
            italic_at = m.start()
        elif tok == "^[":
            if nested:
                raise MarkupError("chú thích lồng trong chú thích (footnote inside a footnote)", m.start(), "^[")
            flush()
            inner, pos = _parse(text, pos, nested=True)
            spans.append(Span("", bold, italic, note=tuple(inner)))
        elif tok == "]":
            if nested:
                flush()
                if bold or italic:
                    raise unclosed("dấu * chưa đóng trong chú thích (unclosed * in a footnote)")
                return [s for s in spans if s.text], pos
            buf.append("]")
    if nested:
        raise MarkupError("thiếu dấu ] đóng chú thích ^[...] (unclosed footnote)", start, "^[")
    flush()
    if bold or italic:
        raise unclosed("dấu ** hoặc * chưa đóng (unclosed emphasis mark)")
    return [s for s in spans if s.text or s.note is not None], pos


def plain(text: str) -> str:
    """Text without its marks and footnotes, as a reader sees it on the line."""
    return "".join(s.text for s in parse_inline(text))
