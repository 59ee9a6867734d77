"""What a reader extracts from a document: paragraphs (runs with emphasis) and tables, in order.

Readers (.docx, .txt) produce a :class:`SourceDoc`; the recogniser turns it into a plan. Text keeps
its emphasis as runs until the label (number, letter, dash) has been removed, then becomes the
plan's inline markup (``**bold**``, ``*italic*``, ``^[footnote]``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass
class Run:
    """A stretch of text with one emphasis; ``note`` holds a footnote's runs (the text is then empty)."""

    text: str
    bold: bool = False
    italic: bool = False
    note: list[Run] | None = None


@dataclass
class Para:
    """One paragraph of the source."""

    runs: list[Run]
    where: str                       # position for the report: "đoạn 12", "dòng 40", "bảng 2, hàng 3, ô 1"
    align: str | None = None         # "center", "right", "both", None
    style: str = ""
    auto_label: str | None = None    # label made by Word's list numbering (numbering.xml)
    auto_level: int = 0              # list level (ilvl) of that label
    indent: int | None = None        # left indent (twips) of a Word list item, when set
    section: int = 0                 # index of the document section (page orientation) it is in
    new_page: bool = False           # starts a new page (page break, page-break-before, new section)
    objects: list[str] = field(default_factory=list)   # what it holds that is not text ("hình ảnh", ...)

    @property
    def plain(self) -> str:
        return "".join(r.text for r in self.runs)

    @property
    def text(self) -> str:
        """Plain text, spaces tidied, soft breaks kept as newlines."""
        return tidy(self.plain)

    @property
    def bold(self) -> bool:
        """True when every visible character is bold."""
        seen = [r.bold for r in self.runs if r.note is None and r.text.strip()]
        return bool(seen) and all(seen)

    @property
    def italic(self) -> bool:
        seen = [r.italic for r in self.runs if r.note is None and r.text.strip()]
        return bool(seen) and all(seen)


@dataclass
class Cell:
    paras: list[Para]
    span: int = 1            # grid columns covered (merged cells)
    vmerge_continue: bool = False
    vmerge_start: bool = False     # the first cell of a vertical merge

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras).strip()

    @property
    def shown(self) -> str:
        """The text a reader sees: an empty numbered paragraph shows its number (an STT cell)."""
        return self.text or " ".join(p.auto_label for p in self.paras if p.auto_label).strip()


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False     # repeated as a header row on each page


@dataclass
class Table:
    rows: list[Row]
    where: str
    section: int = 0
    borders: bool = True
    new_page: bool = False

    @property
    def width(self) -> int:
        return max((sum(c.span for c in r.cells) for r in self.rows), default=0)


Block = Para | Table


@dataclass
class SourceDoc:
    """A document as read: blocks in order, page orientation per section, notes for the report."""

    path: str
    blocks: list[Block]
    landscape: dict[int, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)     # reader remarks (encoding converted, NFD, ...)
    formatted: bool = True   # False for plain text: no bold/italic/alignment information
    per_line: bool = False   # plain text with one paragraph a line (copied out of Word): no wrapped lines


_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")


def tidy(text: str) -> str:
    """NFC, one space between words, no spaces around line breaks."""
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def merge_runs(runs: list[Run]) -> list[Run]:
    """Join neighbouring runs of the same emphasis; blank runs take their neighbour's emphasis."""
    out: list[Run] = []
    for run in runs:
        if run.note is None and not run.text:
            continue
        if run.note is None and out and out[-1].note is None and (
                (out[-1].bold, out[-1].italic) == (run.bold, run.italic) or not run.text.strip()):
            out[-1] = Run(out[-1].text + run.text, out[-1].bold, out[-1].italic)
            continue
        if run.note is None and out and out[-1].note is None and not out[-1].text.strip():
            out[-1] = Run(out[-1].text + run.text, run.bold, run.italic)
            continue
        out.append(run)
    return out
