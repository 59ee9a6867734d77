"""Read a .docx into a :class:`SourceDoc`: paragraphs with their emphasis and Word list labels,
tables (merged cells, repeated header rows), footnotes, page orientation per section.

Works on the package XML directly (lxml): numbering.xml is resolved into the labels Word shows
("I.", "1.", "a)", "-"), counting levels and restarts like Word; runs in legacy fonts
(TCVN3 ".VnTime", VNI) are converted to Unicode.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..lang import legacy
from .source import Cell, Para, Row, Run, SourceDoc, Table, merge_runs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocxError(ValueError):
    """The file is not a readable .docx."""


def _on(el: Any) -> bool | None:
    """Value of a toggle property element (w:b, w:i): None when absent."""
    if el is None:
        return None
    val = el.get(f"{W}val")
    return val not in ("0", "false", "off", "none")


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
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
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
            return _format(counters[k] if counters[k] is not None else lv.start, lv.fmt)

        return re.sub(r"%(\d)", fmt, level.text)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        out, k = "", n
        for value, sym in _ROMAN:
            while k >= value:
                out, k = out + sym, k - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Reader:
    def __init__(self, z: zipfile.ZipFile):
        from lxml import etree

        def xml(name: str) -> Any:
            try:
                return etree.fromstring(z.read(name))
            except KeyError:
                return None

        self.doc = xml("word/document.xml")
        if self.doc is None:
            raise DocxError("thiếu word/document.xml (not a Word document)")
        self.styles = self._styles(xml("word/styles.xml"))
        self.numbering = self._numbering(xml("word/numbering.xml"))
        self.footnotes = self._footnote_map(xml("word/footnotes.xml"))
        self.legacy_runs = 0
        self.text_boxes: list[str] = []
        self.nfd = False
        self.section = 0
        self.landscape: dict[int, bool] = {}
        self.count = {"p": 0, "t": 0}

    # -------------------------------------------------------------- package parts
    def _styles(self, root: Any) -> dict[str, _Style]:
        out: dict[str, _Style] = {}
        if root is None:
            return out
        for st in root.iter(f"{W}style"):
            s = _Style()
            s.name = (st.find(f"{W}name").get(f"{W}val") if st.find(f"{W}name") is not None else "")
            based = st.find(f"{W}basedOn")
            s.based_on = based.get(f"{W}val") if based is not None else None
            rpr = st.find(f"{W}rPr")
            if rpr is not None:
                s.bold, s.italic = _on(rpr.find(f"{W}b")), _on(rpr.find(f"{W}i"))
                fonts = rpr.find(f"{W}rFonts")
                s.font = fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi") if fonts is not None else None
            num = st.find(f"{W}pPr/{W}numPr")
            if num is not None and num.find(f"{W}numId") is not None:
                ilvl = num.find(f"{W}ilvl")
                s.num = (num.find(f"{W}numId").get(f"{W}val"), int(ilvl.get(f"{W}val")) if ilvl is not None else 0)
            out[st.get(f"{W}styleId")] = s
        return out

    def _style_attr(self, style_id: str | None, attr: str) -> Any:
        seen = 0
        while style_id and style_id in self.styles and seen < 20:
            value = getattr(self.styles[style_id], attr)
            if value is not None:
                return value
            style_id, seen = self.styles[style_id].based_on, seen + 1
        return None

    def _numbering(self, root: Any) -> _Numbering:
        n = _Numbering()
        if root is None:
            return n
        for ab in root.iter(f"{W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in ab.iter(f"{W}lvl"):
                fmt, text, start = (lvl.find(f"{W}{tag}") for tag in ("numFmt", "lvlText", "start"))
                levels[int(lvl.get(f"{W}ilvl"))] = _Level(
                    fmt=fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text=text.get(f"{W}val") if text is not None else "",
                    start=int(start.get(f"{W}val")) if start is not None else 1,
                    indent=_indent(lvl.find(f"{W}pPr")))
            n.abstract[ab.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            aid = num.find(f"{W}abstractNumId").get(f"{W}val")
            overrides = {}
            for ov in num.iter(f"{W}lvlOverride"):
                so = ov.find(f"{W}startOverride")
                if so is not None:
                    overrides[int(ov.get(f"{W}ilvl"))] = int(so.get(f"{W}val"))
            n.nums[num.get(f"{W}numId")] = (aid, overrides)
        return n

    def _footnote_map(self, root: Any) -> dict[str, Any]:
        if root is None:
            return {}
        return {fn.get(f"{W}id"): fn for fn in root.iter(f"{W}footnote")
                if fn.get(f"{W}type") in (None, "normal")}

    # -------------------------------------------------------------- content
    def read(self) -> list[Any]:
        body = self.doc.find(f"{W}body")
        blocks: list[Any] = []
        self._container(body, blocks, None)
        final = body.find(f"{W}sectPr")
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
            elif tag == f"{W}tbl":
                if cell is None:
                    blocks.append(self._table(child))
                else:   # a table inside a cell: its paragraphs, in order
                    for tc in child.iter(f"{W}tc"):
                        self._container(tc, blocks, cell)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                self._container(child.find(f"{W}sdtContent") if tag == f"{W}sdt" else child, blocks, cell)

    def _para(self, p: Any, cell: str | None) -> Para | None:
        self.count["p"] += 1
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
            if numpr is not None and numpr.find(f"{W}numId") is not None:
                ilvl = numpr.find(f"{W}ilvl")
                num = (numpr.find(f"{W}numId").get(f"{W}val"), int(ilvl.get(f"{W}val")) if ilvl is not None else 0)
        if num is None:
            num = self._style_attr(style_id, "num")
        runs = self._runs(p, style_id)
        label = None
        indent = _indent(ppr)
        if num is not None and num[0] != "0" and "".join(r.text for r in runs).strip():
            label = self.numbering.label(num[0], num[1])
            if indent is None:
                indent = self.numbering.indent(num[0], num[1])
        where = cell or f"đoạn {self.count['p']}"
        style = self.styles[style_id].name if style_id in self.styles else ""
        return Para(merge_runs(runs), where, align, style, label, num[1] if num else 0,
                    indent if label else None, self.section)

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
                elif tag in (f"{W}br", f"{W}cr"):
                    if child.get(f"{W}type") not in ("page", "column"):
                        runs.append(Run("\n", bool(bold), bool(italic)))
                elif tag == f"{W}footnoteReference" and note_ok:
                    fn = self.footnotes.get(child.get(f"{W}id"))
                    if fn is not None:
                        runs.append(Run("", note=self._note(fn)))
        return runs

    def _note(self, fn: Any) -> list[Run]:
        runs: list[Run] = []
        for i, p in enumerate(fn.iter(f"{W}p")):
            if i:
                runs.append(Run(" "))
            ppr = p.find(f"{W}pPr/{W}pStyle")
            runs += self._runs(p, ppr.get(f"{W}val") if ppr is not None else None, note_ok=False)
        runs = merge_runs([r for r in runs if r.note is None])
        if runs:
            runs[0] = Run(runs[0].text.lstrip(), runs[0].bold, runs[0].italic)
        return runs

    def _table(self, tbl: Any) -> Table:
        self.count["t"] += 1
        t = self.count["t"]
        rows: list[Row] = []
        for r_i, tr in enumerate(tbl.findall(f"{W}tr"), start=1):
            header = tr.find(f"{W}trPr/{W}tblHeader") is not None and _on(tr.find(f"{W}trPr/{W}tblHeader"))
            cells = []
            for c_i, tc in enumerate(tr.findall(f"{W}tc"), start=1):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                paras: list[Any] = []
                self._container(tc, paras, f"bảng {t}, hàng {r_i}, ô {c_i}")
                cells.append(Cell([p for p in paras if isinstance(p, Para)],
                                  int(span_el.get(f"{W}val")) if span_el is not None else 1,
                                  vm is not None and vm.get(f"{W}val") in (None, "continue")))
            rows.append(Row(cells, bool(header)))
        borders = tbl.find(f"{W}tblPr/{W}tblBorders")
        visible = True
        if borders is not None:
            vals = [b.get(f"{W}val") for b in borders]
            visible = any(v not in ("none", "nil") for v in vals)
        return Table(rows, f"bảng {t}", self.section, visible)


def _indent(ppr: Any) -> int | None:
    """Left indent of a paragraph or list level, in twips, when given."""
    ind = ppr.find(f"{W}ind") if ppr is not None else None
    if ind is None:
        return None
    value = ind.get(f"{W}left") or ind.get(f"{W}start")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _is_landscape(sect: Any) -> bool:
    if sect is None:
        return False
    size = sect.find(f"{W}pgSz")
    if size is None:
        return False
    if size.get(f"{W}orient") == "landscape":
        return True
    try:
        return int(size.get(f"{W}w", 0)) > int(size.get(f"{W}h", 0)) > 0
    except ValueError:
        return False


def read_docx(path: str | Path) -> SourceDoc:
    """Read a .docx file."""
    try:
        with zipfile.ZipFile(path) as z:
            reader = _Reader(z)
            blocks = reader.read()
    except zipfile.BadZipFile as exc:
        raise DocxError(f"không phải tệp .docx (not a .docx package): {exc}") from None
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
    return doc
