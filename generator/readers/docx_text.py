"""Reader: the text of any .docx in reading order, one paragraph a line.

Order: the body as it flows (the heading block is the first table of a kh document), tables
row by row (one line a row, cells joined by `` | ``; a row whose cells hold several paragraphs,
such as the heading block or the signature block, is read column by column, one paragraph a
line), then the footnotes
with the numbers Word prints (``[1] ...``); the reference marks stand in the text as ``[1]``.
Tracked changes read as accepted: inserted text is kept, deleted text (``w:delText``,
``w:moveFrom``) is left out. Page headers and footers (page numbers) are not part of the text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..core.errors import KhError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element: ``w("p")`` → ``{...main}p``."""
    return f"{{{W}}}{tag}"


#: Elements whose text a reader of the accepted document does not see.
_HIDDEN = {w("del"), w("moveFrom"), w("delText"), w("instrText"), w("delInstrText"), f"{{{MC}}}Fallback",
           w("txbxContent"), w("pPr"), w("rPr")}
_CELL_SEP = " | "


class DocxReadError(KhError):
    """A file that is not a readable .docx (exit 2)."""

    exit_code = 2


@dataclass
class _Notes:
    """Footnote texts by id, numbered in the order the body first refers to them."""

    texts: dict[str, str]
    order: list[str] = field(default_factory=list)

    def mark(self, note_id: str) -> str:
        if note_id not in self.order:
            self.order.append(note_id)
        return f"[{self.order.index(note_id) + 1}]"


def _parse(zf: zipfile.ZipFile, name: str, origin: str) -> etree._Element:
    try:
        return etree.fromstring(zf.read(name), etree.XMLParser(resolve_entities=False, no_network=True,
                                                               huge_tree=True))
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise DocxReadError(f"{origin}: phần '{name}' hỏng (broken part in the .docx): {exc}") from None


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship type → target part name for ``part``."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in zf.namelist():
        return {}
    out: dict[str, str] = {}
    for rel in etree.fromstring(zf.read(rels_name)).iter(f"{{{REL}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.setdefault(rel.get("Type", ""), name)
    return out


def _paragraph(p: etree._Element, notes: _Notes) -> str:
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _HIDDEN:
                continue
            if tag == w("t"):
                out.append(child.text or "")
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
    return "".join(out).replace("\u00a0", " ").strip()


def _blocks(parent: etree._Element, notes: _Notes) -> Iterator[str]:
    """Lines of the block-level content of ``parent`` (body, cell, content control)."""
    for child in parent:
        if child.tag == w("p"):
            text = _paragraph(child, notes)
            if text:
                yield text
        elif child.tag == w("tbl"):
            for tr in child.iter(w("tr")):
                if tr.getparent() is not child:
                    continue
                cells = [list(_blocks(tc, notes)) for tc in _cells(tr)]
                if all(len(c) <= 1 for c in cells):
                    line = _CELL_SEP.join(c[0] if c else "" for c in cells).strip(" |")
                    if line:
                        yield line
                else:   # a layout row (heading block, signature): read column by column
                    for cell in cells:
                        yield from cell
        elif child.tag in (w("sdt"), w("customXml"), w("sdtContent"), f"{{{MC}}}AlternateContent",
                           f"{{{MC}}}Choice", w("ins"), w("moveTo")):
            yield from _blocks(child, notes)


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    for child in tr:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("customXml"), w("sdtContent")):
            yield from _cells(child)


def docx_lines(data: bytes, origin: str = "<docx>") -> list[str]:
    """The document's text lines in reading order, footnotes last (see module docstring)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocxReadError(f"{origin}: không phải tệp .docx (not a .docx file: not a zip package)") from None
    with zf:
        main = _rels(zf, "").get(OFFICE_DOC, "word/document.xml")
        if main not in zf.namelist():
            raise DocxReadError(f"{origin}: không có phần văn bản chính (no main document part, expected '{main}')")
        root = _parse(zf, main, origin)
        texts: dict[str, str] = {}
        notes_part = _rels(zf, main).get(FOOTNOTES)
        if notes_part and notes_part in zf.namelist():
            for note in _parse(zf, notes_part, origin).iter(w("footnote")):
                if note.get(w("type")) in (None, "normal"):
                    texts[note.get(w("id"), "")] = " ".join(
                        t for t in (_paragraph(p, _Notes({})) for p in note.iter(w("p"))) if t)
    notes = _Notes(texts)
    body = root.find(w("body"))
    lines = list(_blocks(body, notes)) if body is not None else []
    if notes.order:
        lines.append("")
        lines += [f"[{i}] {texts.get(nid, '')}".rstrip() for i, nid in enumerate(notes.order, start=1)]
    return lines


def docx_text(data: bytes, origin: str = "<docx>") -> str:
    """:func:`docx_lines` joined, with a final newline."""
    lines = docx_lines(data, origin)
    return "\n".join(lines) + "\n" if lines else ""


def read_docx_text(path: str | Path) -> str:
    """The text of the .docx at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocxReadError(f"{path}: không đọc được (cannot read): {exc.strerror}") from None
    return docx_text(data, str(path))
