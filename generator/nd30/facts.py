"""What a Word document says about itself, read once: sections, paragraphs with their effective
formatting, tables, drawn lines, page-number fields, footnotes.

:func:`read_facts` walks each story (body, text boxes, headers, footers, footnotes) once, in reading
order (a table row by row, cell by cell). Nothing here knows the decree; :mod:`.parts` recognises the
components and the rule modules judge them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..ooxml import names as n
from ..ooxml.names import (
    REL_EXTENDED,
    REL_FOOTER,
    REL_FOOTNOTES,
    REL_HEADER,
    REL_NUMBERING,
    REL_SETTINGS,
    REL_STYLES,
    REL_THEME,
    q,
    w,
)
from ..ooxml.safe_open import DocxReadError, Package
from .lists import Lists
from .shapes import line_shape
from .styles import ParaFmt, RunFmt, StyleSheet, onoff, ppr_layer, to_int

_DEL, _MOVE_FROM, _NOBREAK, _LRPB, _FLDCHAR, _INSTR = (w("del"), w("moveFrom"), w("noBreakHyphen"),
                                                       w("lastRenderedPageBreak"), w("fldChar"), w("instrText"))
_ANCHOR, _INLINE, _VLINE, _VSHAPE = q("wp:anchor"), q("wp:inline"), q("v:line"), q("v:shape")
_OBJECT, _MATH = w("object"), q("m:oMath")
_FOOTNOTE, _FOOTNOTE_REF = w("footnote"), w("footnoteReference")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200b\u202f\u3000]+")
PAGE_FIELD = re.compile(r"(?<![A-Z])PAGE(?![A-Z])")


def norm(text: str) -> str:
    """NFC, one space for any run of spaces (non-breaking ones included), trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).replace("\n", " ")).strip()


@dataclass(slots=True, eq=False)
class Table:
    """A table of the body: its grid (twips), style and cell margins."""

    index: int
    el: Any
    grid: list[int]
    style: str | None
    margins: tuple[int, int]
    top: bool                   # directly in the body (not nested)
    rows: int = 0
    cells: list[Cell] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Cell:
    table: Table
    row: int
    col: int
    span: int
    width: int                  # twips
    paras: list[Para] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class DrawnLine:
    """A horizontal line drawn by a paragraph: its bottom border, a row of underscores, or a shape."""

    kind: str                   # "border" | "underscore" | "inline" | "shape"
    anchor: Para
    length: float | None        # points; None when it cannot be measured
    x: float | None = None      # shapes: left edge (pt) from the horizontal reference
    rel_h: str = "column"
    y: float | None = None      # shapes: top (pt) from the vertical reference
    rel_v: str = "paragraph"
    owner: Para | None = None   # the text paragraph the line stands under (set by .lines)


@dataclass(slots=True, eq=False)
class Para:
    """One paragraph with where it sits and its effective formatting."""

    story: str                  # "body" | "textbox" | "header" | "footer" | "footnote"
    part: str
    order: int                  # position in its story's list (0-based)
    el: Any
    raw: str
    text: str
    runs: list[RunFmt]          # runs with text, in order (spaces-only runs included, hidden ones not)
    run_els: list[Any]          # the w:r element of each of ``runs``
    fmt: ParaFmt
    mark_size: float
    label: str = ""
    cell: Cell | None = None
    section: int = 0
    page: int | None = None
    page_field: bool = False
    page_field_instr: str = ""
    drawn: list[DrawnLine] = field(default_factory=list)
    under: list[DrawnLine] = field(default_factory=list)   # lines that stand under this paragraph
    anchor_of: Para | None = None                          # text boxes: the body paragraph holding them
    objects: bool = False                                  # holds a picture, chart, equation or OLE object
    _shown: str | None = None

    @property
    def number(self) -> int:
        """1-based number of the paragraph in its story, for messages."""
        return self.order + 1

    @property
    def table(self) -> Table | None:
        return self.cell.table if self.cell is not None else None

    @property
    def top(self) -> bool:
        return self.story == "body" and self.cell is None

    @property
    def visible(self) -> list[RunFmt]:
        """Runs carrying visible characters."""
        return [r for r in self.runs if r.text.strip()]

    @property
    def main(self) -> list[RunFmt]:
        """Visible runs other than superscript/subscript ones (footnote marks)."""
        vis = self.visible
        return [r for r in vis if r.vert not in ("superscript", "subscript")] or vis

    @property
    def shown(self) -> str:
        """The text as displayed: caps applied, the automatic number label in front."""
        if self._shown is None:
            body = norm("".join(r.text.upper() if r.caps else r.text for r in self.runs))
            self._shown = f"{self.label} {body}".strip() if self.label else body
        return self._shown

    def sizes(self) -> list[float]:
        return sorted({r.size for r in self.main}) or [self.mark_size]

    def all_bold(self) -> bool:
        m = self.main
        return bool(m) and all(r.bold for r in m)

    def any_bold(self) -> bool:
        return any(r.bold for r in self.main)

    def all_italic(self) -> bool:
        m = self.main
        return bool(m) and all(r.italic for r in m)

    def any_italic(self) -> bool:
        return any(r.italic for r in self.main)

    @property
    def align(self) -> str:
        a = self.fmt.align
        return {"start": "left", "end": "right", "distribute": "both"}.get(a, a)

    @property
    def centered(self) -> bool:
        return self.align == "center" or self.fmt.frame_center

    @property
    def first_indent(self) -> int:
        """First-line indent in twips (character units converted at the paragraph's size)."""
        if self.fmt.first_chars:
            return int(self.fmt.first_chars / 100.0 * max(self.sizes()) * 20)
        return self.fmt.first

    def where(self) -> str:
        """"đoạn 12 'Căn cứ Luật ...'" — the paragraph number and its first words."""
        words = self.shown[:40] + ("…" if len(self.shown) > 40 else "")
        story = {"body": "đoạn", "textbox": "hộp chữ, đoạn", "header": "đầu trang, đoạn",
                 "footer": "chân trang, đoạn", "footnote": "chú thích, đoạn"}[self.story]
        page = f"trang {self.page}, " if self.page else ""
        return f"{page}{story} {self.number} '{words}'"


@dataclass(slots=True)
class Section:
    """One section's page setup (twips) and header/footer parts by type."""

    index: int
    width: int | None
    height: int | None
    orient: str
    top: int | None
    bottom: int | None
    left: int | None
    right: int | None
    gutter: int
    title_page: bool
    page_format: str | None
    page_start: str | None
    headers: dict[str, str]
    footers: dict[str, str]
    el: Any = None              # its w:sectPr (None when the document has none)
    eff_headers: dict[str, str] = field(default_factory=dict)
    eff_footers: dict[str, str] = field(default_factory=dict)

    @property
    def landscape(self) -> bool:
        return bool(self.width and self.height and self.width > self.height)


@dataclass
class Facts:
    """Everything the rules need from one document."""

    label: str
    sections: list[Section]
    body: list[Para]
    textboxes: list[Para]
    tables: list[Table]
    stories: dict[str, list[Para]]          # header/footer part → its paragraphs (text boxes included)
    footnotes: list[Para]
    pages: int | None                        # pages as Word last laid the document out, if known
    lines: list[DrawnLine]
    even_odd: bool = False                   # settings: different headers on even and odd pages
    #: Part name → the parsed root the paragraphs above point into (for a writer that edits them).
    trees: dict[str, Any] = field(default_factory=dict)
    sheet: StyleSheet | None = None          # styles, to resolve any run's effective formatting

    def section_of(self, para: Para) -> Section:
        return self.sections[min(para.section, len(self.sections) - 1)]

    def footnote_holder(self, note: Para) -> Para | None:
        """The body paragraph whose reference mark calls the footnote holding ``note``."""
        fn = note.el.getparent()
        while fn is not None and fn.tag != _FOOTNOTE:
            fn = fn.getparent()
        if fn is None:
            return None
        fid = fn.get(w("id"))
        for p in self.body:
            if any(ref.get(w("id")) == fid for ref in p.el.iter(_FOOTNOTE_REF)):
                return p
        return None


class _Reader:
    """Walks the stories of one package into :class:`Facts`."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        main = pkg.main
        root = pkg.xml(main)
        self.root = root
        self.trees: dict[str, Any] = {main: root}
        self.body_el = root.find(w("body"))
        if self.body_el is None:
            raise DocxReadError(f"{pkg.label}: {main} không có phần thân w:body (no document body)")

        def first(rel: str) -> Any:
            names = pkg.related(main, rel)
            if not names:
                return None
            tree = self.trees[names[0]] = pkg.xml(names[0])
            return tree

        settings = first(REL_SETTINGS)
        self.even_odd = settings is not None and bool(onoff(settings.find(w("evenAndOddHeaders"))))
        self.sheet = StyleSheet(first(REL_STYLES), lambda: first(REL_THEME), settings)
        self.lists = Lists(first(REL_NUMBERING))
        self.section = 0
        self.sect_els: list[Any] = []
        self.tables: list[Table] = []
        self.lines: list[DrawnLine] = []
        self.rendered_breaks = 0

    # ------------------------------------------------------------------ walking
    def walk(self, container: Any, story: str, part: str, out: list[Para], boxes: list[Para],
             cell: Cell | None = None, tstyle: str | None = None, top: bool = False) -> None:
        """Paragraphs of ``container`` in reading order into ``out``; text-box paragraphs into ``boxes``."""
        for child in container:
            tag = child.tag
            if tag == n.P:
                para = self.para(child, story, part, len(out), cell, tstyle)
                out.append(para)
                if cell is not None:
                    cell.paras.append(para)
                for box in _text_boxes(child):
                    start = len(boxes)
                    self.walk(box, "textbox" if story == "body" else story, part, boxes, boxes)
                    for bp in boxes[start:]:
                        bp.anchor_of = para
                if top:
                    sect = child.find(f"{n.PPR}/{n.SECT_PR}")
                    if sect is not None:
                        self.sect_els.append(sect)
                        self.section += 1
            elif tag == n.TBL:
                self.table(child, story, part, out, boxes, nested=cell is not None)
            elif tag == n.SDT:
                content = child.find(n.SDT_CONTENT)
                if content is not None:
                    self.walk(content, story, part, out, boxes, cell, tstyle, top)
            elif tag in (n.CUSTOM_XML, w("ins"), w("moveTo")):
                self.walk(child, story, part, out, boxes, cell, tstyle, top)

    def table(self, tbl: Any, story: str, part: str, out: list[Para], boxes: list[Para], nested: bool) -> None:
        grid = [to_int(g.get(w("w")), 0) or 0 for g in tbl.iter(w("gridCol")) if _owner(g, n.TBL) is tbl]
        margins = _cell_margins(tbl)
        table = Table(len(self.tables), tbl, grid, self.sheet.table_style_id(tbl), margins, not nested)
        if story == "body":
            self.tables.append(table)
        tstyle = table.style
        for ri, tr in enumerate(_unwrap(tbl, n.TR)):
            col = 0
            for tc in _unwrap(tr, n.TC):
                tcpr = tc.find(w("tcPr"))
                span = to_int(tcpr.find(w("gridSpan")).get(n.VAL), 1) if tcpr is not None and \
                    tcpr.find(w("gridSpan")) is not None else 1
                span = max(1, span or 1)
                width = sum(grid[col:col + span]) if grid[col:col + span] else 0
                tcw = tcpr.find(w("tcW")) if tcpr is not None else None
                if tcw is not None and (tcw.get(w("type")) or "dxa") == "dxa" and to_int(tcw.get(w("w"))):
                    width = to_int(tcw.get(w("w"))) or width
                cell = Cell(table, ri, col, span, width)
                table.cells.append(cell)
                self.walk(tc, story, part, out, boxes, cell, tstyle)
                col += span
            table.rows = ri + 1

    def para(self, p: Any, story: str, part: str, order: int, cell: Cell | None, tstyle: str | None) -> Para:
        sheet = self.sheet
        ppr_el = p.find(n.PPR)
        direct = ppr_layer(ppr_el)
        psid = sheet.para_style_id(ppr_el)
        _, base_ppr = sheet.base(tstyle, psid)
        num_id = direct.get("num_id", base_ppr.get("num_id"))
        ilvl = direct.get("ilvl", base_ppr.get("ilvl", 0)) or 0
        level = self.lists.level(num_id, ilvl)
        fmt = sheet.para_fmt(ppr_el, tstyle, level.ppr if level is not None else None, direct)
        runs: list[RunFmt] = []
        run_els: list[Any] = []
        parts: list[str] = []
        field_instr: list[str] = []
        in_instr = False
        page_field = False
        instr_text = ""
        breaks_here = 0
        for r in own_runs(p):
            rpr = r.find(n.RPR)
            piece: list[str] = []
            for c in r:
                tag = c.tag
                if tag == n.T:
                    piece.append(c.text or "")
                elif tag == n.TAB:
                    piece.append("\t")
                elif tag in (n.BR, n.CR):
                    piece.append("\n")
                elif tag == _NOBREAK:
                    piece.append("-")
                elif tag == _LRPB:
                    breaks_here += 1
                elif tag == _FLDCHAR:
                    kind = c.get(w("fldCharType"))
                    if kind == "begin":
                        in_instr, field_instr = True, []
                    elif kind in ("separate", "end"):
                        if in_instr and PAGE_FIELD.search("".join(field_instr).upper()):
                            page_field, instr_text = True, "".join(field_instr)
                        in_instr = False
                elif tag == _INSTR:
                    field_instr.append(c.text or "")
            if not piece:
                continue
            text = "".join(piece)
            props = sheet.run_props(tstyle, psid, rpr)
            if props.get("hidden"):
                continue
            runs.append(sheet.run_fmt(text, props))
            run_els.append(r)
            parts.append(text)
        for fs in p.iter(n.FLD_SIMPLE):
            instr = fs.get(w("instr")) or ""
            if PAGE_FIELD.search(instr.upper()):
                page_field, instr_text = True, instr
        if story == "body" and breaks_here:
            self.rendered_breaks += breaks_here
        raw = "".join(parts)
        mark = sheet.run_props(tstyle, psid, ppr_el.find(n.RPR) if ppr_el is not None else None)
        label = self.lists.next_label(num_id, ilvl) if level is not None else ""
        para = Para(story, part, order, p, raw, norm(raw), runs, run_els, fmt, mark.get("size") or 10.0, label, cell,
                    self.section, page_field=page_field, page_field_instr=instr_text)
        if story == "body":
            para.page = self.rendered_breaks + 1
        self._drawn(para, p)
        return para

    def _drawn(self, para: Para, p: Any) -> None:
        """Lines drawn by the paragraph: bottom border, underscores, DrawingML or VML shapes."""
        if para.fmt.border_bottom:
            self._add(DrawnLine("border", para, None))
        if re.fullmatch(r"_{3,}", para.text):
            size = para.visible[0].size if para.visible else para.mark_size
            self._add(DrawnLine("underscore", para, para.text.count("_") * 0.5 * size))
        for el in p.iter(_ANCHOR, _INLINE, _VLINE, _VSHAPE, _OBJECT, _MATH):
            if _nearest_para(el) is not p or _in_fallback(el, p):
                continue
            if el.tag in (_OBJECT, _MATH):
                para.objects = True
                continue
            shape = line_shape(el)
            if shape is not None:
                self._add(DrawnLine(shape.kind, para, shape.length, shape.x, shape.rel_h, shape.y, shape.rel_v))
            elif el.tag in (_ANCHOR, _INLINE) and next(el.iter(q("wps:txbx")), None) is None:
                para.objects = True

    def _add(self, line: DrawnLine) -> None:
        line.anchor.drawn.append(line)
        self.lines.append(line)

    # ------------------------------------------------------------------ sections
    def sections(self) -> list[Section]:
        final = self.body_el.find(n.SECT_PR)
        els = [*self.sect_els, *([final] if final is not None else [])]
        rels = self.pkg.rels(self.pkg.main)
        out: list[Section] = []
        for i, s in enumerate(els):
            def attr(tag: str, name: str, s: Any = s) -> str | None:
                e = s.find(w(tag))
                return e.get(w(name)) if e is not None else None

            refs: dict[str, dict[str, str]] = {"hdr": {}, "ftr": {}}
            for key, tag, rel_type in (("hdr", "headerReference", REL_HEADER), ("ftr", "footerReference", REL_FOOTER)):
                for ref in s.findall(w(tag)):
                    rel = rels.get(ref.get(q("r:id")) or "")
                    if rel is not None and not rel.external and rel.type == rel_type and self.pkg.has(rel.target):
                        refs[key][ref.get(w("type")) or "default"] = rel.target
            out.append(Section(
                i, to_int(attr("pgSz", "w")), to_int(attr("pgSz", "h")), attr("pgSz", "orient") or "portrait",
                to_int(attr("pgMar", "top")), to_int(attr("pgMar", "bottom")), to_int(attr("pgMar", "left")),
                to_int(attr("pgMar", "right")), to_int(attr("pgMar", "gutter"), 0) or 0,
                bool(onoff(s.find(w("titlePg")))), attr("pgNumType", "fmt"), attr("pgNumType", "start"),
                refs["hdr"], refs["ftr"], s))
        if not out:
            out.append(Section(0, None, None, "portrait", None, None, None, None, 0, False, None, None, {}, {}))
        prev_h: dict[str, str] = {}
        prev_f: dict[str, str] = {}
        for s in out:   # a section without a header of some type inherits the previous section's
            s.eff_headers = {**prev_h, **s.headers}
            s.eff_footers = {**prev_f, **s.footers}
            prev_h, prev_f = s.eff_headers, s.eff_footers
        return out

    def story(self, part: str, story: str) -> list[Para]:
        root = self.trees[part] = self.pkg.xml(part)
        out: list[Para] = []
        self.walk(root, story, part, out, out)
        return out

    def footnotes(self) -> list[Para]:
        names = self.pkg.related(self.pkg.main, REL_FOOTNOTES)
        if not names:
            return []
        root = self.trees[names[0]] = self.pkg.xml(names[0])
        out: list[Para] = []
        for fn in root.iter(w("footnote")):
            if (fn.get(w("type")) or "normal") != "normal":
                continue
            self.walk(fn, "footnote", names[0], out, out)
        return out


def read_facts(pkg: Package) -> Facts:
    """Read the facts of one opened package (lines are placed under their text by :mod:`.lines`)."""
    reader = _Reader(pkg)
    body: list[Para] = []
    boxes: list[Para] = []
    reader.walk(reader.body_el, "body", pkg.main, body, boxes, top=True)
    sections = reader.sections()
    stories: dict[str, list[Para]] = {}
    for s in sections:
        for kind, parts in (("header", s.headers), ("footer", s.footers)):
            for part in parts.values():
                if part not in stories:
                    stories[part] = reader.story(part, kind)
    footnotes = reader.footnotes()
    pages = _app_pages(pkg)
    if pages is None or pages != reader.rendered_breaks + 1:
        for p in body:
            p.page = None
    facts = Facts(pkg.label, sections, body, boxes, reader.tables, stories, footnotes,
                  pages if pages is not None and pages == reader.rendered_breaks + 1 else None, reader.lines,
                  reader.even_odd, reader.trees, reader.sheet)
    return facts


# ---------------------------------------------------------------------- helpers
def _app_pages(pkg: Package) -> int | None:
    """Pages recorded by the application that last saved the file (docProps/app.xml)."""
    names = pkg.related("", REL_EXTENDED)
    if not names:
        return None
    try:
        root = pkg.xml(names[0])
    except DocxReadError:
        return None
    el = root.find(q("ep:Pages"))
    return to_int(el.text) if el is not None and el.text else None


def _cell_margins(tbl: Any) -> tuple[int, int]:
    mar = tbl.find(f"{w('tblPr')}/{w('tblCellMar')}")
    out = []
    for names in (("left", "start"), ("right", "end")):
        val = 108
        if mar is not None:
            for name in names:
                m = mar.find(w(name))
                if m is not None:
                    val = to_int(m.get(w("w")), 108) or 0
        out.append(val)
    return out[0], out[1]


def _unwrap(parent: Any, tag: str) -> Any:
    """Children with ``tag``, looking through w:sdt / w:customXml wrappers."""
    for c in parent:
        if c.tag == tag:
            yield c
        elif c.tag in (n.SDT, n.CUSTOM_XML):
            inner = c.find(n.SDT_CONTENT) if c.tag == n.SDT else c
            if inner is not None:
                yield from _unwrap(inner, tag)


def _owner(el: Any, tag: str) -> Any:
    a = el.getparent()
    while a is not None and a.tag != tag:
        a = a.getparent()
    return a


def _nearest_para(el: Any) -> Any:
    a = el.getparent()
    while a is not None and a.tag not in (n.P, n.TXBX_CONTENT):
        a = a.getparent()
    return a


def _in_fallback(el: Any, stop: Any) -> bool:
    a = el.getparent()
    while a is not None and a is not stop:
        if a.tag == n.MC_FALLBACK:
            return True
        a = a.getparent()
    return False


def own_runs(p: Any) -> list[Any]:
    """The runs of paragraph ``p`` in order: not those of text boxes inside it, nor deleted ones."""
    out = []
    for r in p.iter(n.R):
        a = r.getparent()
        ok = True
        while a is not None and a is not p:
            if a.tag in (n.P, n.TXBX_CONTENT, _DEL, _MOVE_FROM, n.MC_FALLBACK):
                ok = False
                break
            a = a.getparent()
        if ok and a is p:
            out.append(r)
    return out


def _text_boxes(p: Any) -> list[Any]:
    """Text-box contents anchored in paragraph ``p`` (the DrawingML copy, not its VML fallback)."""
    return [tx for tx in p.iter(n.TXBX_CONTENT) if _nearest_para(tx) is p and not _in_fallback(tx, p)]
