"""Read a .docx into a :class:`SourceDoc`: paragraphs with their emphasis and Word list labels,
tables (merged cells, repeated header rows), footnotes, page orientation per section.

The file is opened the one hardened way (:func:`generator.readers.docx_text.open_user_docx`: sizes
from the zip directory before inflating, one parser without entities or DTD); a broken part is
"<file>: phần 'word/...xml' hỏng (broken part) ...". Work is linear in the document: a table's
rows and cells are its direct children, each element is visited once, and the paragraph count is
bounded. Unexpected but well-formed structure (a list level without ``w:ilvl``, a list without
its definition, a start value Word would never write) is skipped or ignored with a note.

numbering.xml is resolved into the labels Word shows ("I.", "1.", "a)", "-"), counting levels and
restarts like Word; runs in legacy fonts (TCVN3 ".VnTime", VNI) are converted to Unicode.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..lang import legacy
from ..lang.vnwords import format_amount
from ..ooxml import names
from ..ooxml.safe_open import DocxReadError, Package
from ..readers.docx_text import main_body, open_user_docx, part_xml, story_part
from .source import Cell, Para, Row, Run, SourceDoc, Table, merge_runs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Most paragraphs (body, cells, nested tables) one document may have: ~3,000 pages of plan.
MAX_PARAS = 100_000
#: List start values Word writes (its dialog stops at 32767); others are ignored with a note.
MAX_START = 32_767
#: Longest list-level text ("%1.%2.") taken from numbering.xml; longer ones are ignored.
MAX_LEVEL_TEXT = 64
#: Widest merged cell (grid columns; Word tables have at most 63).
MAX_GRID_SPAN = 64


def _on(el: Any) -> bool | None:
    """Value of a toggle property element (w:b, w:i): None when absent."""
    if el is None:
        return None
    val = el.get(f"{W}val")
    return val not in ("0", "false", "off", "none")


def _int(value: str | None) -> int | None:
    """An OOXML decimal number, or None when absent or not one (no exponent, no 10,000 digits)."""
    if value is None or len(value) > 20:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


class _Oddities:
    """Unexpected structure met while reading, for the report: one note per kind, with where."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}

    def add(self, what: str, where: str) -> None:
        self.seen.setdefault(what, []).append(where)

    def notes(self) -> list[str]:
        out = []
        for what, places in self.seen.items():
            shown = ", ".join(dict.fromkeys(places[:3]))
            more = f" và {len(places) - 3} chỗ khác (and {len(places) - 3} more)" if len(places) > 3 else ""
            out.append(f"{what}: {shown}{more}")
        return out


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    font: str | None = None
    num: tuple[str, int] | None = None


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    indent: int | None = None


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    def indent(self, num_id: str, ilvl: int) -> int | None:
        """The left indent a list level gives its paragraphs."""
        if num_id not in self.nums:
            return None
        level = self.abstract.get(self.nums[num_id][0], {}).get(max(0, min(ilvl, 8)))
        return level.indent if level else None

    def label(self, num_id: str, ilvl: int) -> str | None:
        if num_id not in self.nums:
            return None
        aid, overrides = self.nums[num_id]
        levels = self.abstract.get(aid, {})
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.seen:
            self.seen.add(num_id)
            for lvl, start in overrides.items():     # a restart ("Restart numbering")
                counters[lvl] = None
                levels.setdefault(lvl, _Level()).start = start
        ilvl = max(0, min(ilvl, 8))
        level = levels.get(ilvl, _Level())
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if level.fmt == "bullet":
            glyph = level.text.strip()
            return glyph if glyph in ("-", "+", "*") else "–" if glyph in ("–", "—", "\uf02d") else "•"
        if level.fmt == "none":
            return None

        def fmt(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = levels.get(k, _Level())
            value = counters[k]
            return _format(value if value is not None else lv.start, lv.fmt)

        return re.sub(r"%(\d)", fmt, level.text)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format(n: int, fmt: str) -> str:
    """The number ``n`` as list format ``fmt`` shows it; a letter label longer than three letters
    (beyond "zzz", item 78) is written as its number."""
    if fmt in ("lowerLetter", "upperLetter"):
        repeat = (n - 1) // 26 + 1
        if repeat > 3:
            return str(n)
        s = chr(ord("a") + (n - 1) % 26) * repeat
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        parts, k = [], n
        for value, sym in _ROMAN:
            count, k = divmod(k, value) if k > 0 else (0, k)
            parts.append(sym * count)
        out = "".join(parts)
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _direct(parent: Any, tag: str) -> Iterator[Any]:
    """Children of ``parent`` with ``tag``, looking through content-control wrappers (not into tables)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            yield from _direct(child, tag)


class _Reader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.odd = _Oddities()
        self.doc, self.body = main_body(pkg)
        self.styles = self._styles(self._part(names.REL_STYLES, "word/styles.xml"))
        self.numbering = self._numbering(self._part(names.REL_NUMBERING, "word/numbering.xml"))
        self.footnotes = self._footnote_map(self._part(names.REL_FOOTNOTES, "word/footnotes.xml")[0])
        self.notes: dict[int, list[Run]] = {}
        self.legacy_runs = 0
        self.text_boxes: list[str] = []
        self.nfd = False
        self.section = 0
        self.landscape: dict[int, bool] = {}
        self.count = {"p": 0, "t": 0}
        self.paras = 0
        self.page_pending = False

    def _part(self, rel_type: str, conventional: str) -> tuple[Any, str]:
        """The parsed story part of ``rel_type`` (None when the package has none) and its name."""
        name = story_part(self.pkg, rel_type, conventional)
        return (part_xml(self.pkg, name) if name else None), name or conventional

    # -------------------------------------------------------------- package parts
    def _styles(self, part: tuple[Any, str]) -> dict[str, _Style]:
        root, name = part
        out: dict[str, _Style] = {}
        if root is None:
            return out
        for st in root.iter(f"{W}style"):
            s = _Style()
            name_el = st.find(f"{W}name")
            s.name = (name_el.get(f"{W}val") or "") if name_el is not None else ""
            based = st.find(f"{W}basedOn")
            s.based_on = based.get(f"{W}val") if based is not None else None
            rpr = st.find(f"{W}rPr")
            if rpr is not None:
                s.bold, s.italic = _on(rpr.find(f"{W}b")), _on(rpr.find(f"{W}i"))
                fonts = rpr.find(f"{W}rFonts")
                s.font = fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") if fonts is not None else None
            num = st.find(f"{W}pPr/{W}numPr")
            num_id = num.find(f"{W}numId") if num is not None else None
            if num_id is not None and num_id.get(f"{W}val") is not None:
                s.num = (num_id.get(f"{W}val"), self._ilvl(num.find(f"{W}ilvl"),
                                                           f"phần '{name}', kiểu {st.get(f'{W}styleId')}"))
            out[st.get(f"{W}styleId")] = s
        return out

    def _ilvl(self, el: Any, where: str) -> int:
        """A paragraph's or style's list level (``w:ilvl``): 0 when absent or not a number (noted)."""
        if el is None:
            return 0
        value = _int(el.get(f"{W}val"))
        if value is None:
            self.odd.add("w:ilvl không có giá trị số, coi là cấp 0 (w:ilvl without a number read as level 0)", where)
            return 0
        return value

    def _style_attr(self, style_id: str | None, attr: str) -> Any:
        seen = 0
        while style_id and style_id in self.styles and seen < 20:
            value = getattr(self.styles[style_id], attr)
            if value is not None:
                return value
            style_id, seen = self.styles[style_id].based_on, seen + 1
        return None

    def _start(self, value: str | None, where: str) -> int | None:
        """A list start value, or None (noted) when it is not one Word would write."""
        start = _int(value)
        if start is None or not 0 <= start <= MAX_START:
            self.odd.add(f"giá trị bắt đầu danh sách không dùng được (ngoài 0–{MAX_START}), bỏ qua"
                         f" (list start value out of range ignored)", f"{where}: {str(value)[:24]}")
            return None
        return start

    def _numbering(self, part: tuple[Any, str]) -> _Numbering:
        root, name = part
        numbering = _Numbering()
        if root is None:
            return numbering
        for ab in root.iter(f"{W}abstractNum"):
            aid = ab.get(f"{W}abstractNumId")
            where = f"phần '{name}', danh sách {aid}"
            levels: dict[int, _Level] = {}
            for lvl in ab.iter(f"{W}lvl"):
                ilvl = _int(lvl.get(f"{W}ilvl"))
                if ilvl is None or not 0 <= ilvl <= 8:
                    self.odd.add("mức danh sách không có w:ilvl từ 0 đến 8, bỏ qua (list level without a valid"
                                 " w:ilvl skipped)", where)
                    continue
                fmt, text, start = (lvl.find(f"{W}{tag}") for tag in ("numFmt", "lvlText", "start"))
                level_text = (text.get(f"{W}val") or "") if text is not None else ""
                if len(level_text) > MAX_LEVEL_TEXT:
                    self.odd.add("mẫu số thứ tự quá dài, bỏ qua (list level text too long, ignored)", where)
                    level_text = ""
                first = self._start(start.get(f"{W}val"), where) if start is not None else None
                levels[ilvl] = _Level(
                    fmt=(fmt.get(f"{W}val") or "decimal") if fmt is not None else "decimal",
                    text=level_text,
                    start=1 if first is None else first,
                    indent=_indent(lvl.find(f"{W}pPr")))
            numbering.abstract[aid] = levels
        for num in root.iter(f"{W}num"):
            num_id = num.get(f"{W}numId")
            ref = num.find(f"{W}abstractNumId")
            aid = ref.get(f"{W}val") if ref is not None else None
            if num_id is None or aid is None:
                self.odd.add("danh sách thiếu w:numId hoặc w:abstractNumId, bỏ qua (list without its"
                             " definition skipped)", f"phần '{name}', danh sách {num_id}")
                continue
            overrides = {}
            for ov in num.iter(f"{W}lvlOverride"):
                so = ov.find(f"{W}startOverride")
                if so is None:
                    continue
                lvl = _int(ov.get(f"{W}ilvl"))
                if lvl is None or not 0 <= lvl <= 8:
                    self.odd.add("w:lvlOverride không có w:ilvl từ 0 đến 8, bỏ qua (list override without a"
                                 " valid level skipped)", f"phần '{name}', danh sách {num_id}")
                    continue
                start = self._start(so.get(f"{W}val"), f"phần '{name}', danh sách {num_id}")
                if start is not None:
                    overrides[lvl] = start
            numbering.nums[num_id] = (aid, overrides)
        return numbering

    def _footnote_map(self, root: Any) -> dict[str, Any]:
        if root is None:
            return {}
        return {fn.get(f"{W}id"): fn for fn in root.iter(f"{W}footnote")
                if fn.get(f"{W}type") in (None, "normal")}

    # -------------------------------------------------------------- content
    def read(self) -> list[Any]:
        blocks: list[Any] = []
        self._container(self.body, blocks, None)
        final = self.body.find(f"{W}sectPr")
        self.landscape[self.section] = _is_landscape(final)
        return blocks

    def _container(self, el: Any, blocks: list[Any], cell: str | None) -> None:
        for child in el:
            tag = child.tag
            if tag == f"{W}p":
                para = self._para(child, cell)
                if para is not None:
                    blocks.append(para)
                sect = child.find(f"{W}pPr/{W}sectPr")
                if sect is not None and cell is None:
                    self.landscape[self.section] = _is_landscape(sect)
                    self.section += 1
                    kind = sect.find(f"{W}type")
                    if kind is None or kind.get(f"{W}val") != "continuous":
                        self.page_pending = True
            elif tag == f"{W}tbl":
                if cell is None:
                    new_page, self.page_pending = self.page_pending, False
                    table = self._table(child)
                    table.new_page = new_page
                    blocks.append(table)
                else:   # a table inside a cell: its paragraphs, in order (each cell once, never all descendants)
                    for tr in _direct(child, f"{W}tr"):
                        for tc in _direct(tr, f"{W}tc"):
                            self._container(tc, blocks, cell)
            elif tag in (f"{W}sdtContent", f"{W}customXml"):
                self._container(child, blocks, cell)
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self._container(content, blocks, cell)

    def _para(self, p: Any, cell: str | None) -> Para | None:
        self.count["p"] += 1
        self.paras += 1
        if self.paras > MAX_PARAS:
            raise DocxReadError(f"{self.pkg.label}: hơn {format_amount(MAX_PARAS)} đoạn văn, quá giới hạn của một"
                                f" kế hoạch (more than {MAX_PARAS:,} paragraphs: not read)")
        where = cell or f"đoạn {self.count['p']}"
        ppr = p.find(f"{W}pPr")
        style_id = None
        align = None
        num: tuple[str, int] | None = None
        if ppr is not None:
            ps = ppr.find(f"{W}pStyle")
            style_id = ps.get(f"{W}val") if ps is not None else None
            jc = ppr.find(f"{W}jc")
            align = jc.get(f"{W}val") if jc is not None else None
            numpr = ppr.find(f"{W}numPr")
            num_id = numpr.find(f"{W}numId") if numpr is not None else None
            if num_id is not None and num_id.get(f"{W}val") is not None:
                num = (num_id.get(f"{W}val"), self._ilvl(numpr.find(f"{W}ilvl"), where))
        if num is None:
            num = self._style_attr(style_id, "num")
        runs = self._runs(p, style_id)
        label = None
        indent = _indent(ppr)
        if num is not None and num[0] != "0":   # Word numbers an empty paragraph too (an STT cell)
            label = self.numbering.label(num[0], num[1])
            if indent is None:
                indent = self.numbering.indent(num[0], num[1])
        style = self.styles[style_id].name if style_id in self.styles else ""
        new_page = cell is None and (self.page_pending or bool(_on(ppr.find(f"{W}pageBreakBefore"))
                                                               if ppr is not None else False))
        if cell is None:
            self.page_pending = False
        breaks = [br for br in p.iter(f"{W}br") if br.get(f"{W}type") == "page"]
        if breaks and cell is None:   # text after the last page break starts a page; none: the next block
            after = "".join(t.text or "" for t in breaks[-1].itersiblings() if t.tag == f"{W}t") + "".join(
                t.text or "" for r in breaks[-1].getparent().itersiblings() for t in r.iter(f"{W}t"))
            if after.strip():
                new_page = True
            else:
                self.page_pending = True
        return Para(merge_runs(runs), where, align, style, label, num[1] if num else 0,
                    indent if label else None, self.section, new_page, _objects(p))

    def _runs(self, p: Any, style_id: str | None, note_ok: bool = True) -> list[Run]:
        runs: list[Run] = []
        p_bold = self._style_attr(style_id, "bold")
        p_italic = self._style_attr(style_id, "italic")
        p_font = self._style_attr(style_id, "font")
        for r in p.iter(f"{W}r"):
            ancestors = list(r.iterancestors())
            if any(a.tag in (f"{W}del", f"{W}moveFrom") or str(a.tag).endswith("}Fallback") for a in ancestors):
                continue   # deleted text; the fallback copy of a drawing
            if any(a.tag == f"{W}txbxContent" for a in ancestors):
                self.text_boxes.append("".join(t.text or "" for t in r.iter(f"{W}t")))
                continue   # a text box (a stamp, a seal): not part of the paragraph's text
            if r.getparent() is not None and r.getparent().tag == f"{W}ruby":
                continue
            rpr = r.find(f"{W}rPr")
            bold = italic = font = None
            if rpr is not None:
                bold, italic = _on(rpr.find(f"{W}b")), _on(rpr.find(f"{W}i"))
                rs = rpr.find(f"{W}rStyle")
                if rs is not None:
                    cs = rs.get(f"{W}val")
                    bold = bold if bold is not None else self._style_attr(cs, "bold")
                    italic = italic if italic is not None else self._style_attr(cs, "italic")
                    font = self._style_attr(cs, "font")
                fonts = rpr.find(f"{W}rFonts")
                if fonts is not None:
                    font = fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") or font
            bold = bool(p_bold) if bold is None else bold
            italic = bool(p_italic) if italic is None else italic
            encoding = legacy.font_encoding(font or p_font)
            for child in r:
                tag = child.tag
                if tag == f"{W}t":
                    text = child.text or ""
                    if encoding:
                        converted = legacy.decode(text, encoding)
                        if converted != text:
                            self.legacy_runs += 1
                        text = converted
                    elif unicodedata.normalize("NFC", text) != text:
                        self.nfd = True
                    runs.append(Run(unicodedata.normalize("NFC", text), bool(bold), bool(italic)))
                elif tag in (f"{W}tab", f"{W}noBreakHyphen"):
                    runs.append(Run(" " if tag == f"{W}tab" else "-", bool(bold), bool(italic)))
                elif tag == f"{W}softHyphen" and encoding and encoding.startswith("tcvn3"):
                    runs.append(Run(legacy.decode("\xad", encoding), bool(bold), bool(italic)))   # TCVN3 "ư"
                    self.legacy_runs += 1
                elif tag in (f"{W}br", f"{W}cr"):
                    if child.get(f"{W}type") not in ("page", "column"):
                        runs.append(Run("\n", bool(bold), bool(italic)))
                elif tag == f"{W}footnoteReference" and note_ok:
                    fn = self.footnotes.get(child.get(f"{W}id"))
                    if fn is not None:
                        runs.append(Run("", note=self._note(fn)))
        return runs

    def _note(self, fn: Any) -> list[Run]:
        """A footnote's runs, read once however often it is referred to (every reference shares the list)."""
        cached = self.notes.get(id(fn))
        if cached is None:
            runs: list[Run] = []
            for i, p in enumerate(fn.iter(f"{W}p")):
                if i:
                    runs.append(Run(" "))
                ppr = p.find(f"{W}pPr/{W}pStyle")
                runs += self._runs(p, ppr.get(f"{W}val") if ppr is not None else None, note_ok=False)
            runs = merge_runs([r for r in runs if r.note is None])
            if runs:
                runs[0] = Run(runs[0].text.lstrip(), runs[0].bold, runs[0].italic)
            cached = self.notes[id(fn)] = runs
        return cached

    def _table(self, tbl: Any) -> Table:
        self.count["t"] += 1
        t = self.count["t"]
        rows: list[Row] = []
        for r_i, tr in enumerate(_direct(tbl, f"{W}tr"), start=1):
            header = tr.find(f"{W}trPr/{W}tblHeader") is not None and _on(tr.find(f"{W}trPr/{W}tblHeader"))
            cells = []
            for c_i, tc in enumerate(_direct(tr, f"{W}tc"), start=1):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                paras: list[Any] = []
                self._container(tc, paras, f"bảng {t}, hàng {r_i}, ô {c_i}")
                span = _int(span_el.get(f"{W}val")) if span_el is not None else 1
                cells.append(Cell([p for p in paras if isinstance(p, Para)],
                                  max(1, min(span or 1, MAX_GRID_SPAN)),
                                  vm is not None and vm.get(f"{W}val") in (None, "continue"),
                                  vm is not None and vm.get(f"{W}val") == "restart"))
            rows.append(Row(cells, bool(header)))
        borders = tbl.find(f"{W}tblPr/{W}tblBorders")
        visible = True
        if borders is not None:
            vals = [b.get(f"{W}val") for b in borders]
            visible = any(v not in ("none", "nil") for v in vals)
        return Table(rows, f"bảng {t}", self.section, visible)


#: Objects of a paragraph that are not its text, as the import report names them.
_OBJECT_NAMES = {
    "picture": "hình ảnh (picture)", "textbox": "khung chữ (text box)", "drawing": "hình vẽ (drawing)",
    "equation": "công thức (equation)", "object": "đối tượng nhúng (embedded object)",
    "comment": "ghi chú của người xem (comment)",
    "insert": "thay đổi được theo dõi: chèn, đã nhận (tracked insertion, accepted)",
    "delete": "thay đổi được theo dõi: xóa, đã bỏ (tracked deletion, left out)",
}
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_V = "{urn:schemas-microsoft-com:vml}"


def _objects(p: Any) -> list[str]:
    """What paragraph ``p`` holds besides text, once each: pictures, text boxes, drawings (not the
    straight lines kh draws itself), equations, embedded objects, comments, tracked changes."""
    from ..nd30.shapes import line_shape

    found: dict[str, None] = {}
    for el in p.iter(f"{_WP}anchor", f"{_WP}inline", f"{_V}shape", f"{_V}rect", f"{_V}line", f"{W}object",
                     f"{_M}oMath", f"{W}commentReference", f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"):
        if any(str(a.tag).endswith("}Fallback") for a in el.iterancestors()):
            continue
        tag = el.tag
        if tag == f"{_M}oMath":
            found["equation"] = None
        elif tag == f"{W}object":
            found["object"] = None
        elif tag == f"{W}commentReference":
            found["comment"] = None
        elif tag in (f"{W}ins", f"{W}moveTo"):
            found["insert"] = None
        elif tag in (f"{W}del", f"{W}moveFrom"):
            found["delete"] = None
        elif any(a.tag == f"{W}object" for a in el.iterancestors()) or line_shape(el) is not None:
            continue   # an object's preview image; a straight line (kh draws its own)
        elif any(str(x.tag).endswith(("}txbx", "}textbox")) for x in el.iter()):
            found["textbox"] = None
        elif any(str(x.tag).endswith(("}pic", "}imagedata")) for x in el.iter()):
            found["picture"] = None
        elif tag != f"{_V}line":
            found["drawing"] = None
    return [_OBJECT_NAMES[k] for k in found]


def _indent(ppr: Any) -> int | None:
    """Left indent of a paragraph or list level, in twips, when given."""
    ind = ppr.find(f"{W}ind") if ppr is not None else None
    if ind is None:
        return None
    return _int(ind.get(f"{W}left") or ind.get(f"{W}start"))


def _is_landscape(sect: Any) -> bool:
    if sect is None:
        return False
    size = sect.find(f"{W}pgSz")
    if size is None:
        return False
    if size.get(f"{W}orient") == "landscape":
        return True
    width, height = _int(size.get(f"{W}w")), _int(size.get(f"{W}h"))
    return width is not None and height is not None and width > height > 0


def read_docx(path: str | Path, data: bytes | None = None) -> SourceDoc:
    """Read the .docx at ``path`` (or its bytes ``data``; ``path`` then only names it)."""
    reader = _Reader(open_user_docx(path, data=data, label=str(path)))
    blocks = reader.read()
    doc = SourceDoc(str(path), blocks, reader.landscape)
    if reader.legacy_runs:
        doc.notes.append(f"đã chuyển {reader.legacy_runs} đoạn chữ phông cũ (TCVN3/VNI) sang Unicode"
                         " (legacy-encoded runs converted to Unicode)")
    boxes = " ".join(" ".join(reader.text_boxes).split())
    if boxes:
        doc.notes.append("chữ trong khung (text box) không đưa vào kế hoạch (text-box text not imported): "
                         + boxes[:120])
    if reader.nfd:
        doc.notes.append("văn bản có chữ tổ hợp (NFD), đã chuẩn hóa NFC (decomposed text normalised to NFC)")
    doc.notes += reader.odd.notes()
    return doc
