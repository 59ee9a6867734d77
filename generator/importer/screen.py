"""The checks a source document passes before recognition, whatever it was read from.

- Characters Word/XML cannot hold (C0/C1 controls, U+FFFE/U+FFFF, lone surrogates: the
  characters the plan reader also removes) are taken out of the text, one note per paragraph
  in the report, worded as the plan reader's warning. A YAML file cannot hold most of them either.
- A paragraph (with its footnotes) longer than a plan text may be (:data:`MAX_TEXT`) is refused
  at once with its position, and so is a document whose text adds up past :data:`MAX_DOC_TEXT`
  (a footnote referred to a million times counts each time): recognition never sees either.
"""

from __future__ import annotations

from ..lang.typography import XML_BAD
from ..lang.vnwords import format_amount
from ..readers.texts import MAX_TEXT, bad_chars
from .report import ImportFailure
from .source import Para, Run, SourceDoc, Table

#: Most characters of text one source document may hold (footnotes counted at each reference):
#: about 2,000 pages, forty plan-text limits.
MAX_DOC_TEXT = 40 * MAX_TEXT
#: Paragraphs named one by one in the report's notes on removed characters; the rest are counted.
_NAMED = 10


def _paras(doc: SourceDoc) -> list[Para]:
    out: list[Para] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            out += [p for row in block.rows for cell in row.cells for p in cell.paras]
        else:
            out.append(block)
    return out


def _clean(runs: list[Run]) -> tuple[list[Run], str]:
    """``runs`` (text runs) without the characters XML cannot hold, and those found ("U+009C")."""
    if not any(XML_BAD.search(r.text) for r in runs if r.text):
        return runs, ""
    found = ", ".join(dict.fromkeys(bad_chars("".join(r.text for r in runs)).split(", ")))
    return [Run(XML_BAD.sub("", r.text), r.bold, r.italic, r.note) for r in runs], found


class _Notes:
    """Each footnote's length and cleaned runs, worked out once however often it is referred to."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[list[Run], list[Run], int, str]] = {}   # the original kept alive

    def get(self, note: list[Run]) -> tuple[list[Run], int, str]:
        entry = self.seen.get(id(note))
        if entry is None:
            cleaned, found = _clean(note)
            entry = self.seen[id(note)] = (note, cleaned, sum(len(r.text) for r in cleaned), found)
        return entry[1], entry[2], entry[3]


def screen(doc: SourceDoc) -> None:
    """Check and clean ``doc`` in place (see the module docstring); raises :class:`ImportFailure`."""
    notes = _Notes()
    removed: list[str] = []
    total = 0
    for para in _paras(doc):
        runs, found = _clean(para.runs)
        found_all = [found] if found else []
        length = 0
        for i, run in enumerate(runs):
            length += len(run.text)
            if run.note is not None:
                note, note_length, note_found = notes.get(run.note)
                length += note_length
                if note_found:
                    found_all.append(note_found)
                    if runs is para.runs:
                        runs = list(runs)
                    runs[i] = Run(run.text, run.bold, run.italic, note)
        if length > MAX_TEXT:
            raise ImportFailure(
                f"{doc.path}: {para.where}: đoạn văn dài {format_amount(length)} ký tự, quá giới hạn"
                f" {format_amount(MAX_TEXT)} ký tự của một đoạn kế hoạch; hãy chia đoạn rồi nhập lại"
                f" (paragraph longer than the {MAX_TEXT:,}-character limit of a plan text)")
        total += length
        if total > MAX_DOC_TEXT:
            raise ImportFailure(
                f"{doc.path}: văn bản dài hơn {format_amount(MAX_DOC_TEXT)} ký tự (tính cả chú thích ở mỗi lần"
                f" dẫn), quá giới hạn; dừng ở {para.where} (document text longer than {MAX_DOC_TEXT:,} characters)")
        if found_all:
            para.runs = runs
            chars = ", ".join(dict.fromkeys(", ".join(found_all).split(", ")))
            removed.append(f"{para.where}: {chars}")
    if removed:
        shown = "; ".join(removed[:_NAMED])
        more = f"; và {len(removed) - _NAMED} đoạn khác (and {len(removed) - _NAMED} more)" \
            if len(removed) > _NAMED else ""
        doc.notes.append(f"đã bỏ ký tự Word/XML không chứa được (removed characters XML cannot hold): {shown}{more}")
