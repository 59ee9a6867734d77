"""Reader: the text of any .docx in reading order, one paragraph a line.

Order: the body as it flows (the heading block is the first table of a kh document), tables
row by row (one line a row, cells joined by `` | ``; a row whose cells hold several paragraphs,
such as the heading block or the signature block, is read column by column, one paragraph a
line), then the footnotes
with the numbers Word prints (``[1] ...``); the reference marks stand in the text as ``[1]``.
Word's automatic numbering is printed as the reader sees it ("I. ", "1. ", "a) ", "- "; counted by
:class:`generator.nd30.lists.Lists`, from the paragraph or its style), so a changed number shows in a
diff. A soft hyphen element in a TCVN3 font (".VnTime") is that font's "ư" (byte 0xAD) and is kept.
Tracked changes read as accepted: inserted text is kept, deleted text (``w:delText``,
``w:moveFrom``) is left out. Page headers and footers (page numbers) are not part of the text.

A user's .docx is opened the one hardened way (:mod:`generator.ooxml.safe_open`); the helpers
under "Opening" below are shared with ``kh import``. Walks visit each element once: a table's
rows and cells are its direct children (through content-control wrappers), never all descendants.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..lang.legacy import font_encoding
from ..nd30.lists import Lists
from ..ooxml import names as n
from ..ooxml.safe_open import DocxReadError, Limits, Package, open_docx, parse_xml

__all__ = ["READ_LIMITS", "DocxReadError", "docx_lines", "docx_text", "main_body", "open_user_docx", "part_xml",
           "read_docx_text", "story_part"]

W = n.W
MC = n.NS["mc"]
w = n.w

_MB = 1024 * 1024
#: What reading one user document for its text may cost: real plans' main parts are well under
#: 1 MB; 16 MB is a document of thousands of pages (lxml needs ~20 bytes of memory per byte of
#: such XML, so the per-part bound is also the memory bound).
READ_LIMITS = Limits(part_bytes=16 * _MB, total_bytes=48 * _MB)


# ---------------------------------------------------------------------- opening (shared with kh import)
def open_user_docx(path: str | Path, data: bytes | None = None, label: str | None = None) -> Package:
    """Open a user's .docx within :data:`READ_LIMITS` (see :func:`~generator.ooxml.safe_open.open_docx`)."""
    return open_docx(path, READ_LIMITS, data=data, label=label)


def part_xml(pkg: Package, name: str) -> etree._Element:
    """The root element of part ``name``: "<file>: phần 'name' hỏng (broken part): ..." when it cannot be."""
    return parse_xml(pkg.read(name), f"{pkg.label}: phần '{name}' hỏng (broken part)")


def story_part(pkg: Package, rel_type: str, conventional: str) -> str | None:
    """The part of the main document's relationship ``rel_type`` (e.g. footnotes), or the
    ``conventional`` name (``word/footnotes.xml``) when the package has it without a relationship."""
    related = pkg.related(pkg.main, rel_type)
    if related:
        return related[0]
    return conventional if pkg.has(conventional) else None


def main_body(pkg: Package) -> tuple[etree._Element, etree._Element]:
    """The main part's root and its ``w:body``; a main part without one cannot be read."""
    root = part_xml(pkg, pkg.main)
    body = root.find(w("body"))
    if root.tag != w("document") or body is None:
        raise DocxReadError(f"{pkg.label}: phần '{pkg.main}' không có thân văn bản w:body, không đọc được "
                            f"(cannot read: no w:document/w:body in the main part)")
    return root, body


# ---------------------------------------------------------------------- text
#: Elements whose text a reader of the accepted document does not see.
_HIDDEN = {w("del"), w("moveFrom"), w("delText"), w("instrText"), w("delInstrText"), f"{{{MC}}}Fallback",
           w("txbxContent"), w("pPr"), w("rPr")}
#: Wrappers around block-level content (paragraphs, tables), and around rows and cells.
_BLOCK_WRAPPERS = {w("sdt"), w("customXml"), w("sdtContent"), f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice",
                   w("ins"), w("moveTo")}
_ROW_WRAPPERS = {w("sdt"), w("customXml"), w("sdtContent")}
_CELL_SEP = " | "


@dataclass
class _Notes:
    """Footnote texts by id, numbered in the order the body first refers to them; the document's
    list labels (``lists``, ``style_nums``: a paragraph style's own list) counted as it is read."""

    texts: dict[str, str]
    order: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    lists: Lists | None = None
    style_nums: dict[str, tuple[str, int]] = field(default_factory=dict)

    def label(self, p: etree._Element) -> str:
        """The label Word draws before paragraph ``p`` ("1.", "a)", "-"), "" when none."""
        if self.lists is None:
            return ""
        ppr = p.find(w("pPr"))
        num = ppr.find(w("numPr")) if ppr is not None else None
        num_id = num.find(w("numId")) if num is not None else None
        if num_id is not None:
            ilvl = num.find(w("ilvl"))
            found = (num_id.get(w("val")) or "", _level(ilvl.get(w("val")) if ilvl is not None else None))
        else:
            style = ppr.find(w("pStyle")) if ppr is not None else None
            found = self.style_nums.get(style.get(w("val")) if style is not None else "", ("", 0))
        level = self.lists.level(found[0], found[1])
        num = self.lists.nums.get(found[0])
        starts = [level.start, *num.overrides.values()] if level is not None and num is not None else [-1]
        if not all(0 <= v <= _MAX_START for v in starts):
            return ""      # no list, or a start value Word never writes (a label of millions of letters)
        label = self.lists.next_label(found[0], found[1])
        return _GLYPHS.get(label, label if label.isascii() else "•")

    def mark(self, note_id: str) -> str:
        if note_id not in self.index:
            self.order.append(note_id)
            self.index[note_id] = len(self.order)
        return f"[{self.index[note_id]}]"


#: Largest list start value Word writes (its dialog stops there).
_MAX_START = 32_767
#: Bullet glyphs of symbol fonts as the reader sees them.
_GLYPHS = {"\uf02d": "-", "–": "-", "\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "o": "o"}


def _level(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), 9))
    except ValueError:
        return 0


def _paragraph(p: etree._Element, notes: _Notes) -> str:
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _HIDDEN:
                continue
            if tag == w("t"):
                out.append(child.text or "")
            elif tag == w("softHyphen"):   # in a TCVN3 font, byte 0xAD is the letter "ư"
                fonts = el.find(f"{w('rPr')}/{w('rFonts')}") if el.tag == w("r") else None
                font = fonts.get(w("ascii")) or fonts.get(w("hAnsi")) if fonts is not None else None
                if (font_encoding(font) or "").startswith("tcvn3"):
                    out.append("\xad")
            elif tag in (w("tab"), w("ptab")):
                out.append("\t")
            elif tag in (w("br"), w("cr")):
                out.append(" ")
            elif tag == w("noBreakHyphen"):
                out.append("-")
            elif tag == w("footnoteReference"):
                if child.get(w("customMarkFollows")) not in ("1", "true", "on"):
                    out.append(notes.mark(child.get(w("id"), "")))
            else:
                walk(child)

    walk(p)
    text = "".join(out).replace("\u00a0", " ").strip()
    label = notes.label(p)   # Word draws it on an empty paragraph too (an STT cell)
    return f"{label} {text}".strip() if label else text


def _direct(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children of ``parent`` with ``tag``, looking through content-control wrappers (not into tables)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _ROW_WRAPPERS:
            yield from _direct(child, tag)


def _blocks(parent: etree._Element, notes: _Notes) -> Iterator[str]:
    """Lines of the block-level content of ``parent`` (body, cell, content control)."""
    for child in parent:
        if child.tag == w("p"):
            text = _paragraph(child, notes)
            if text:
                yield text
        elif child.tag == w("tbl"):
            for tr in _direct(child, w("tr")):
                cells = [list(_blocks(tc, notes)) for tc in _direct(tr, w("tc"))]
                if all(len(c) <= 1 for c in cells):
                    line = _CELL_SEP.join(c[0] if c else "" for c in cells).strip(" |")
                    if line:
                        yield line
                else:   # a layout row (heading block, signature): read column by column
                    for cell in cells:
                        yield from cell
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _blocks(child, notes)


def _package_lines(pkg: Package) -> list[str]:
    _root, body = main_body(pkg)
    texts: dict[str, str] = {}
    notes_part = story_part(pkg, n.REL_FOOTNOTES, "word/footnotes.xml")
    if notes_part is not None:
        for note in part_xml(pkg, notes_part).iter(w("footnote")):
            if note.get(w("type")) in (None, "normal"):
                texts[note.get(w("id"), "")] = " ".join(
                    t for t in (_paragraph(p, _Notes({})) for p in note.iter(w("p"))) if t)
    notes = _Notes(texts)
    numbering = story_part(pkg, n.REL_NUMBERING, "word/numbering.xml")
    if numbering is not None:
        try:   # a broken list or style part costs the labels, not the text
            notes.lists = Lists(part_xml(pkg, numbering))
            styles = story_part(pkg, n.REL_STYLES, "word/styles.xml")
            notes.style_nums = _style_lists(part_xml(pkg, styles)) if styles is not None else {}
        except DocxReadError:
            notes.lists, notes.style_nums = None, {}
    lines = list(_blocks(body, notes))
    if notes.order:
        lines.append("")
        lines += [f"[{i}] {texts.get(nid, '')}".rstrip() for i, nid in enumerate(notes.order, start=1)]
    return lines


def _style_lists(root: etree._Element) -> dict[str, tuple[str, int]]:
    """Paragraph style id → the list (numId, level) it numbers with, through ``w:basedOn``."""
    own: dict[str, tuple[str, int] | None] = {}
    based: dict[str, str] = {}
    for st in root.iter(w("style")):
        sid = st.get(w("styleId")) or ""
        num = st.find(f"{w('pPr')}/{w('numPr')}")
        num_id = num.find(w("numId")) if num is not None else None
        ilvl = num.find(w("ilvl")) if num is not None else None
        own[sid] = (num_id.get(w("val")) or "", _level(ilvl.get(w("val")) if ilvl is not None else None)) \
            if num_id is not None else None
        parent = st.find(w("basedOn"))
        if parent is not None:
            based[sid] = parent.get(w("val")) or ""
    out: dict[str, tuple[str, int]] = {}
    for sid in own:
        seen, cur = 0, sid
        while cur in own and own[cur] is None and cur in based and seen < 20:
            cur, seen = based[cur], seen + 1
        found = own.get(cur)
        if found is not None:
            out[sid] = found
    return out


def docx_lines(data: bytes, origin: str = "<docx>") -> list[str]:
    """The document's text lines in reading order, footnotes last (see module docstring)."""
    return _package_lines(open_user_docx(origin, data=data, label=origin))


def docx_text(data: bytes, origin: str = "<docx>") -> str:
    """:func:`docx_lines` joined, with a final newline."""
    lines = docx_lines(data, origin)
    return "\n".join(lines) + "\n" if lines else ""


def read_docx_text(path: str | Path) -> str:
    """The text of the .docx at ``path`` (its size and parts checked before anything is inflated)."""
    lines = _package_lines(open_user_docx(path))
    return "\n".join(lines) + "\n" if lines else ""
