"""``kh check FILE.docx --fix OUT.docx``: a copy with every finding fixed that a fix can put right
without changing a word, and the list of what changed and what is left for a person.

The ND30 check (:mod:`generator.nd30`) attaches a :class:`~generator.nd30.fixes.Fix` to each issue a
formatting change can put right; this module carries them out on the document's own XML: run
properties (size, bold, italic, font, colour) as direct formatting on the runs concerned, paragraph
properties (alignment, indents, spacing), the section's page size, orientation, margins and page
numbering, and the page-number field (moved from the footer into the header, centred, 13 pt, and
hidden on page 1 by "different first page"). Text is never touched: ``kh text`` of the copy equals
the original's. The copy is checked again, and what a fix brought to light (a paragraph's indent once
its first line is right) is fixed in a further round, at most :data:`ROUNDS` in all.

Issues without a fix are listed for a person with the reason (:data:`generator.nd30.rules.LEFT_FOR_A_PERSON`):
wording ("tháng 04", "e)" for "đ)", a missing "./."), drawn lines, the layout of the header table.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..lang.legacy import font_encoding, is_tcvn3, is_vni
from ..nd30.check import evaluate
from ..nd30.eval_page import BLACK_COLOURS
from ..nd30.facts import PAGE_FIELD, Para, own_runs
from ..nd30.findings import Finding, Report
from ..nd30.fixes import SIX_PT, TNR, Fix
from ..nd30.geometry import LINE_FACTOR, TWIPS_PER_MM
from ..nd30.rules import LEFT_FOR_A_PERSON
from ..nd30.styles import to_int
from ..ooxml.names import q, w
from ..ooxml.package import write_atomic
from .docx_edit import DocxEdit, child, first_child, open_edit, serialise, set_attrs, text_el, wel

#: Rounds of check-and-fix at most (a fix may bring another finding to light).
ROUNDS = 3
A4 = (11906, 16838)                 # twips
PAGE_PT = 13                        # the page number's size when kh writes it
HEADER_TYPE = ("application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml")
FOOTER_TYPE = ("application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml")
_ALIGN_VI = {"left": "trái", "right": "phải", "center": "giữa", "both": "đều hai lề"}
_ALIGN_EN = {"left": "left", "right": "right", "center": "centred", "both": "justified"}
_SIDE_VI = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
_WHOLE = "toàn văn bản (whole document)"
_PUA = re.compile("[\ue000-\uf8ff]")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(frozen=True)
class Change:
    """One change made: rule, where, what it was and what it is now (Vietnamese, English)."""

    rule: str
    where: str
    vi: str
    en: str

    def text(self) -> str:
        return f"{self.rule} {self.where}: {self.vi} ({self.en})"


@dataclass(frozen=True)
class Left:
    """One issue left for a person, with why."""

    rule: str
    where: str
    message: str
    why_vi: str
    why_en: str

    def text(self) -> str:
        return f"{self.rule} {self.where}: {self.message} — vì (why): {self.why_vi} ({self.why_en})"


@dataclass
class FixResult:
    """What ``--fix`` did to one file."""

    before: Report
    after: Report
    changes: list[Change] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    rounds: int = 0
    failed: list[str] = field(default_factory=list)    # fixes that raised (their issues stay, listed as left)

    @property
    def fixed_rules(self) -> list[str]:
        return list(dict.fromkeys(c.rule for c in self.changes))


# ---------------------------------------------------------------------- runs
def _run_props(edit: DocxEdit, para: Para, r: Any) -> dict[str, Any]:
    """Effective properties of run ``r`` of ``para``."""
    sheet = edit.facts.sheet
    assert sheet is not None
    tstyle = para.cell.table.style if para.cell is not None else None
    return sheet.run_props(tstyle, para.fmt.style, r.find(w("rPr")))


_HEADS = {"label": re.compile(r"^\s*Nơi nhận\s*:?", re.I), "after_label": re.compile(r"^\s*Nơi nhận\s*:?", re.I),
          "first": re.compile(r"^\s*Điều\s+\d+\s*[.:]?")}


def _scoped(para: Para, scope: str | None) -> list[Any]:
    """The runs a fix of ``scope`` acts on (see :data:`generator.nd30.fixes.SCOPES`): for the head of a
    paragraph ("Nơi nhận:", "Điều 3."), the runs holding it, the last one split where the head ends."""
    if scope is None:
        return own_runs(para.el)
    main = [(rf, el) for rf, el in zip(para.runs, para.run_els, strict=True) if rf.text.strip()]
    plain = [(rf, el) for rf, el in main if rf.vert not in ("superscript", "subscript")] or main
    head: list[Any] = []
    acc = ""
    for rf, el in plain:
        before = len(acc)
        acc += rf.text
        head.append(el)
        m = _HEADS[scope].match(acc)
        if m and (scope == "first" or "nhận" in m.group().lower()):
            if m.end() < len(acc):
                _split_run(el, m.end() - before)
            break
        if scope == "first" and not re.match(r"^\s*(Đ|Đi|Điề|Điều|Điều\s+\d*\s*)$", acc):
            break           # not an "Điều N." head: the first run alone
    if scope == "after_label":
        return [el for el in own_runs(para.el) if el not in head and "".join(t.text or "" for t in el.iter(w("t")))]
    return head


def _split_run(r: Any, at: int) -> None:
    """Cut run ``r`` in two after its first ``at`` characters (the text read as the check reads it); the
    second run follows it with the same properties. Nothing happens when ``at`` is not inside a w:t."""
    pos = 0
    kids = [c for c in r if c.tag != w("rPr")]
    for i, c in enumerate(kids):
        size = len(c.text or "") if c.tag == w("t") else 1 if c.tag in (w("tab"), w("br"), w("cr")) else 0
        if pos + size <= at:
            pos += size
            if pos == at and i + 1 < len(kids):
                _move_tail(r, kids[i + 1:])
                return
            continue
        if c.tag != w("t"):
            return
        cut = at - pos
        tail = text_el((c.text or "")[cut:])
        c.text = (c.text or "")[:cut]
        c.set(_XML_SPACE, "preserve")
        c.addnext(tail)
        _move_tail(r, [tail, *kids[i + 1:]])
        return


def _move_tail(r: Any, tail: list[Any]) -> None:
    new = etree.Element(w("r"))
    rpr = r.find(w("rPr"))
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    for c in tail:
        new.append(c)
    r.addnext(new)


def _rpr(r: Any) -> Any:
    return first_child(r, "rPr")


def _set_toggle(r: Any, local: str, on: bool) -> None:
    rpr = _rpr(r)
    for tag in (local, local + "Cs"):
        el = child(rpr, tag, "rPr")
        set_attrs(el, val=None if on else "0")


def _pt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# ---------------------------------------------------------------------- paragraph fixes
def fix_size(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    lo, hi = fix.value
    was: set[float] = set()
    now: set[float] = set()
    runs = _scoped(para, fix.scope)
    targets = [(r, _run_props(edit, para, r).get("size") or 10.0) for r in runs]
    if fix.scope is None:
        ppr = para.el.find(w("pPr"))
        mark = ppr.find(w("rPr")) if ppr is not None else None
        targets.append((None, para.mark_size if mark is None else
                        (_mark_size(edit, para, mark) or para.mark_size)))
    for r, size in targets:
        if lo - 0.01 <= size <= hi + 0.01:
            continue
        new = min(max(size, lo), hi)
        rpr = _rpr(r) if r is not None else child(first_child(para.el, "pPr"), "rPr")
        half = str(round(new * 2))
        set_attrs(child(rpr, "sz", "rPr"), val=half)
        set_attrs(child(rpr, "szCs", "rPr"), val=half)
        if r is not None and r in para.run_els:
            was.add(size)
            now.add(new)
    if not was:
        return None
    a, b = "/".join(_pt(s) for s in sorted(was)), "/".join(_pt(s) for s in sorted(now))
    return f"cỡ chữ {a} → {b}", f"size {a} → {b} pt"


def _mark_size(edit: DocxEdit, para: Para, mark: Any) -> float | None:
    sheet = edit.facts.sheet
    assert sheet is not None
    tstyle = para.cell.table.style if para.cell is not None else None
    return sheet.run_props(tstyle, para.fmt.style, mark).get("size")


def _toggle(name: str, vi_on: str, vi_off: str, en_on: str, en_off: str) -> Callable[..., tuple[str, str] | None]:
    def fix_toggle(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
        on = bool(fix.value)
        runs = [r for r in _scoped(para, fix.scope) if fix.scope is not None or r in para.run_els]
        changed = False
        for r in runs:
            props = _run_props(edit, para, r)
            if bool(props.get(name)) != on:
                _set_toggle(r, {"bold": "b", "italic": "i"}[name], on)
                changed = True
        if not changed:
            return None
        return (f"{vi_off} → {vi_on}", f"{en_off} → {en_on}") if on else (f"{vi_on} → {vi_off}", f"{en_on} → {en_off}")
    return fix_toggle


fix_bold = _toggle("bold", "đậm", "không đậm", "bold", "not bold")
fix_italic = _toggle("italic", "nghiêng", "đứng", "italic", "upright")


def fix_bold_italic(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    a = fix_bold(edit, para, fix)
    b = fix_italic(edit, para, fix)
    done = [x for x in (a, b) if x]
    if not done:
        return None
    return "; ".join(x[0] for x in done), "; ".join(x[1] for x in done)


def fix_align(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    was = para.align
    set_attrs(child(first_child(para.el, "pPr"), "jc"), val=fix.value)
    return (f"canh {_ALIGN_VI.get(was, was)} → {_ALIGN_VI.get(fix.value, fix.value)}",
            f"aligned {_ALIGN_EN.get(was, was)} → {_ALIGN_EN.get(fix.value, fix.value)}")


def _indent(para: Para) -> Any:
    return child(first_child(para.el, "pPr"), "ind")


def fix_first_indent(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    was = para.first_indent / 567.0
    ind = _indent(para)
    set_attrs(ind, firstLine=str(fix.value), hanging=None, firstLineChars=None, hangingChars=None)
    vi, en = f"lùi đầu dòng {was:.2f} → {fix.value / 567:.2f} cm", f"first-line indent {was:.2f} → 1.00 cm"
    if abs(para.fmt.left) > 28 or abs(para.fmt.right) > 28:   # the body's paragraphs start at the margin
        side = fix_side_indent(edit, para, Fix("side_indent"))
        if side:
            vi, en = f"{vi}; {side[0]}", f"{en}; {side[1]}"
    return vi.replace(".", ","), en


def fix_side_indent(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    ind = _indent(para)
    set_attrs(ind, left="0", right="0", start=None, end=None, leftChars=None, rightChars=None, startChars=None,
              endChars=None)
    left, right = para.fmt.left / 567, para.fmt.right / 567
    return (f"thụt lề trái/phải {left:.2f}/{right:.2f} → 0/0 cm".replace(".", ","),
            f"left/right indent {left:.2f}/{right:.2f} → 0/0 cm")


def fix_line_spacing(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    lo, hi = fix.value
    fmt = para.fmt
    if fmt.line_rule == "auto":
        was_vi = was_en = f"{fmt.line / 240:.2f}"
        lines = min(max(fmt.line / 240, lo), hi)
    else:
        was_vi, was_en = f"{fmt.line_rule} {fmt.line / 20:g} pt", f"{fmt.line_rule} {fmt.line / 20:g} pt"
        single = LINE_FACTOR * max(para.sizes())
        lines = lo if fmt.line / 20 < single else hi
    spacing = child(first_child(para.el, "pPr"), "spacing")
    set_attrs(spacing, line=str(round(lines * 240)), lineRule="auto")
    return (f"giãn dòng {was_vi} → {lines:g} dòng".replace(".", ","),
            f"line spacing {was_en} → {lines:g} lines")


def fix_space_before(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    need, merged = fix.value
    pr = first_child(para.el, "pPr")
    was = para.fmt.before
    spacing = child(pr, "spacing")
    if need > was or merged:
        set_attrs(spacing, before=str(max(need, was)), beforeLines=None, beforeAutospacing=None)
    if merged:
        set_attrs(child(pr, "contextualSpacing"), val="0")
    now = max(need, was)
    prev_after = 0 if merged else SIX_PT - need      # what the check counted after the previous paragraph
    gap_was, gap_now = (0 if merged else prev_after + was) / 20, (prev_after + now) / 20
    extra = ("; bỏ 'không cách đoạn cùng kiểu'", "; 'no space between paragraphs of the same style' off") \
        if merged else ("", "")
    return (f"cách đoạn trước {_pt(gap_was)} → {_pt(gap_now)} pt (khoảng cách trước đoạn {_pt(was / 20)} → "
            f"{_pt(now / 20)} pt{extra[0]})",
            f"{gap_was:g} → {gap_now:g} pt after the previous paragraph (space before {was / 20:g} → {now / 20:g} pt"
            f"{extra[1]})")


def fix_page_field_format(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    pattern = re.compile(r"\\\*\s*(roman|alphabetic)", re.I)
    changed = False
    for fs in para.el.iter(w("fldSimple")):
        instr = fs.get(w("instr")) or ""
        if PAGE_FIELD.search(instr.upper()) and pattern.search(instr):
            fs.set(w("instr"), pattern.sub(r"\\* Arabic", instr))
            changed = True
    for it in para.el.iter(w("instrText")):
        if it.text and pattern.search(it.text):
            it.text = pattern.sub(r"\\* Arabic", it.text)
            changed = True
    return ("số trang La Mã/chữ cái → chữ số Ả Rập", "page number roman/letters → Arabic") if changed else None


# ---------------------------------------------------------------------- section fixes
def _sect(edit: DocxEdit, index: int) -> Any:
    sections = edit.facts.sections
    s = sections[min(index, len(sections) - 1)]
    if s.el is None:            # a document without any w:sectPr: one for the last (only) section
        body = edit.tree(edit.pkg.main).find(w("body"))
        s.el = wel("sectPr")
        body.append(s.el)
    edit.touch(edit.pkg.main)
    return s.el


def _where_section(index: int) -> str:
    return f"phần (section) {index + 1}"


def fix_page_size(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    sect = _sect(edit, fix.section or 0)
    size = child(sect, "pgSz")
    w_, h_ = to_int(size.get(w("w"))), to_int(size.get(w("h")))
    landscape = size.get(w("orient")) == "landscape" or bool(w_ and h_ and w_ > h_)
    width, height = (A4[1], A4[0]) if landscape else A4
    set_attrs(size, w=str(width), h=str(height))
    was = f"{w_ / TWIPS_PER_MM:.0f} x {h_ / TWIPS_PER_MM:.0f} mm" if w_ and h_ else None
    return (f"khổ giấy {was or '(không khai báo)'} → A4 210 x 297 mm",
            f"paper {was or '(none)'} → A4 210 x 297 mm")


def fix_portrait(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    sect = _sect(edit, fix.section or 0)
    size = child(sect, "pgSz")
    set_attrs(size, w=str(A4[0]), h=str(A4[1]), orient=None)
    return "trình bày theo chiều rộng → chiều dài (dọc)", "landscape → portrait"


def fix_margins(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    sect = _sect(edit, fix.section or 0)
    mar = sect.find(w("pgMar"))
    created = mar is None
    if mar is None:
        mar = child(sect, "pgMar")
        set_attrs(mar, top="1134", right="1134", bottom="1134", left="1701", header="720", footer="720",
                  gutter="0")
    vi, en = [], []
    for side, mm in fix.value:
        twips = round(mm * TWIPS_PER_MM)
        old = to_int(mar.get(w(side)), 0) or 0
        if side == "left":
            old += to_int(mar.get(w("gutter")), 0) or 0
            set_attrs(mar, gutter="0")
        set_attrs(mar, **{side: str(twips)})
        was = ("(không khai báo)", "(none)") if created else (f"{old / TWIPS_PER_MM:.1f}".replace(".", ","),
                                                              f"{old / TWIPS_PER_MM:.1f}")
        vi.append(f"lề {_SIDE_VI[side]} {was[0]} → {_pt(mm)} mm")
        en.append(f"{side} margin {was[1]} → {mm:g} mm")
    for attr in ("header", "footer", "gutter"):      # the schema requires all seven
        if mar.get(w(attr)) is None:
            set_attrs(mar, **{attr: "720" if attr != "gutter" else "0"})
    return "; ".join(vi), "; ".join(en)


def fix_page_format(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    sect = _sect(edit, fix.section or 0)
    num = child(sect, "pgNumType")
    was = num.get(w("fmt"))
    set_attrs(num, fmt="decimal")
    return f"kiểu số trang {was} → chữ số Ả Rập", f"page number format {was} → decimal"


def fix_page_start(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    sect = _sect(edit, fix.section or 0)
    num = child(sect, "pgNumType")
    was = num.get(w("start")) or "(tiếp theo)"
    set_attrs(num, start="1")
    return f"số trang bắt đầu {was} → 1", f"page numbering starts {was} → 1"


# ---------------------------------------------------------------------- whole-document fixes
def _all_paras(edit: DocxEdit) -> list[Para]:
    facts = edit.facts
    return [*facts.body, *facts.textboxes, *facts.footnotes, *(p for ps in facts.stories.values() for p in ps)]


def fix_fonts(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    sheet = edit.facts.sheet
    assert sheet is not None
    face = fix.value or TNR
    faces: set[str] = set()
    paras = 0
    for para in _all_paras(edit):
        legacy = is_tcvn3(para.raw) or is_vni(para.raw)
        changed = False
        for r in own_runs(para.el):
            props = _run_props(edit, para, r)
            olds = [sheet.font(props.get(k)) for k in ("ascii", "hAnsi")]
            bad = [f for f in olds if f is not None and not f.strip().lower().startswith(face.lower())]
            if not bad:
                continue
            text = "".join(t.text or "" for t in r.iter(w("t")))
            if _PUA.search(text) or (legacy and any(font_encoding(f) for f in bad)):
                continue          # symbol-font glyphs and legacy-encoded text: another face changes what shows
            fonts = child(_rpr(r), "rFonts", "rPr")
            set_attrs(fonts, ascii=face, hAnsi=face, asciiTheme=None, hAnsiTheme=None)
            if fonts.get(w("cs")) is not None or fonts.get(w("cstheme")) is not None:
                set_attrs(fonts, cs=face, cstheme=None)
            faces.update(bad)
            changed = True
        if changed:
            paras += 1
            edit.touch(para.part)
    if not faces:
        return None
    names = ", ".join(sorted(faces))
    return f"phông {names} → {face} ở {paras} đoạn", f"font {names} → {face} in {paras} paragraph(s)"


def fix_color(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    colours: set[str] = set()
    paras = 0
    for para in _all_paras(edit):
        changed = False
        for r, rf in zip(para.run_els, para.runs, strict=True):
            if rf.color.lower() in BLACK_COLOURS:
                continue
            el = child(_rpr(r), "color", "rPr")
            for attr in ("themeColor", "themeTint", "themeShade"):
                el.attrib.pop(w(attr), None)
            set_attrs(el, val=fix.value)
            colours.add(rf.color)
            changed = True
        if changed:
            paras += 1
            edit.touch(para.part)
    if not colours:
        return None
    names = ", ".join(sorted(colours))
    return f"chữ màu {names} → đen ở {paras} đoạn", f"text colour {names} → black in {paras} paragraph(s)"


def remove_page_fields(p: Any) -> bool:
    """Take every PAGE field out of paragraph ``p`` (simple or complex); True if one was there."""
    found = False
    for fs in list(p.iter(w("fldSimple"))):
        if PAGE_FIELD.search((fs.get(w("instr")) or "").upper()):
            fs.getparent().remove(fs)
            found = True
    stack: list[dict[str, Any]] = []
    doomed: list[Any] = []
    for r in list(p.iter(w("r"))):
        for c in r:
            if c.tag == w("fldChar") and c.get(w("fldCharType")) == "begin":
                stack.append({"runs": [], "instr": ""})
        for field_ in stack:
            if r not in field_["runs"]:
                field_["runs"].append(r)
        for c in r:
            if c.tag == w("instrText") and stack:
                stack[-1]["instr"] += c.text or ""
            elif c.tag == w("fldChar") and c.get(w("fldCharType")) == "end" and stack:
                done = stack.pop()
                if PAGE_FIELD.search(done["instr"].upper()):
                    doomed += done["runs"]
    for r in dict.fromkeys(doomed):
        if r.getparent() is not None:
            r.getparent().remove(r)
            found = True
    return found


def _page_paragraph() -> Any:
    """A centred paragraph holding a PAGE field, Times New Roman 13 pt."""
    def run(*children: Any) -> Any:
        rpr = wel("rPr", wel("rFonts", ascii=TNR, hAnsi=TNR, cs=TNR), wel("sz", val=str(PAGE_PT * 2)),
                  wel("szCs", val=str(PAGE_PT * 2)))
        return wel("r", rpr, *children)

    instr = wel("instrText")
    instr.text = " PAGE "
    instr.set(_XML_SPACE, "preserve")
    return wel("p", wel("pPr", wel("jc", val="center")), run(wel("fldChar", fldCharType="begin")), run(instr),
               run(wel("fldChar", fldCharType="separate")), run(text_el("1")), run(wel("fldChar", fldCharType="end")))


def _has_page_field(root: Any) -> bool:
    return any(PAGE_FIELD.search((fs.get(w("instr")) or "").upper()) for fs in root.iter(w("fldSimple"))) or \
        any(PAGE_FIELD.search((it.text or "").upper()) for it in root.iter(w("instrText")))


def _new_story(edit: DocxEdit, kind: str, source: Any | None = None, content: Any | None = None
               ) -> tuple[str, str, Any]:
    """A new header (``kind`` "header") or footer part: a copy of ``source``'s tree, or holding
    ``content`` (an empty paragraph if None); its name, the relationship id from the main part, its root."""
    name = edit.new_name(f"word/{kind}{{}}.xml")
    if source is not None:
        root = copy.deepcopy(source)
    else:
        root = wel("hdr" if kind == "header" else "ftr", root=True)
        root.append(content if content is not None else wel("p"))
    edit.add_part(name, root, HEADER_TYPE if kind == "header" else FOOTER_TYPE)
    return name, edit.relate(edit.pkg.main, name, kind), root


def _copy_rels(edit: DocxEdit, source: str, target: str) -> None:
    """The copy ``target`` of a header/footer part relates to what ``source`` relates to (pictures)."""
    name = edit.rels_name(source)
    if edit.has(name):
        edit.added[edit.rels_name(target)] = serialise(edit.tree(name)) if name in edit.changed \
            else edit.pkg.read(name)


def _reference(edit: DocxEdit, sect: Any, kind: str, typ: str, rid: str) -> None:
    """Point ``sect``'s ``typ`` header/footer reference (``kind`` "header"/"footer") at ``rid``."""
    tag = w(f"{kind}Reference")
    for ref in sect.findall(tag):
        if (ref.get(w("type")) or "default") == typ:
            ref.set(q("r:id"), rid)
            return
    ref = etree.Element(tag)
    ref.set(w("type"), typ)
    ref.set(q("r:id"), rid)
    sect.insert(0, ref)
    edit.touch(edit.pkg.main)


def _ensure_header_number(edit: DocxEdit, typ: str) -> tuple[str, str] | None:
    """The header of type ``typ`` that section 1 shows holds a centred PAGE field (created if needed)."""
    s0 = edit.facts.sections[0]
    part = s0.eff_headers.get(typ)
    if part is not None:
        root = edit.tree(part)
        if _has_page_field(root):
            return None
        root.insert(0, _page_paragraph())
        edit.touch(part)
        what = ("trường số trang thêm vào đầu trang (giữa, 13 pt)", "PAGE field added to the header (centred, 13 pt)")
    else:
        sect = _sect(edit, 0)
        name, rid, _ = _new_story(edit, "header", content=_page_paragraph())
        _reference(edit, sect, "header", typ, rid)
        s0.eff_headers[typ] = s0.headers[typ] = name
        what = ("thêm đầu trang có số trang (giữa, 13 pt)", "a header with the page number added (centred, 13 pt)")
    first = fix_title_page(edit, Fix("title_page"))    # the number is not shown on page 1 (Phụ lục I, Mục I, khoản 7)
    if first is not None:
        what = (f"{what[0]}; {first[0]}", f"{what[1]}; {first[1]}")
    return what


def fix_page_number_header(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    return _ensure_header_number(edit, fix.value or "default")


def fix_page_number_footer(edit: DocxEdit, para: Para, fix: Fix) -> tuple[str, str] | None:
    if not remove_page_fields(para.el):
        return None
    edit.touch(para.part)
    _ensure_header_number(edit, "default")
    if edit.facts.even_odd:
        _ensure_header_number(edit, "even")
    return "số trang: chân trang → đầu trang (giữa, 13 pt)", "page number: footer → header (centred, 13 pt)"


def _first_without_number(edit: DocxEdit, sect: Any, kind: str) -> None:
    """Section 1's first-page header/footer (``kind``): the default one without its PAGE field."""
    s0 = edit.facts.sections[0]
    parts = s0.headers if kind == "header" else s0.footers
    default = parts.get("default")
    if default is None:
        return
    name, rid, root = _new_story(edit, kind, edit.tree(default))
    _copy_rels(edit, default, name)
    for p in list(root.iter(w("p"))):
        remove_page_fields(p)
    _reference(edit, sect, kind, "first", rid)


def fix_title_page(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    s0 = edit.facts.sections[0]
    sect = _sect(edit, 0)
    if s0.title_page:
        return None
    title = child(sect, "titlePg")
    set_attrs(title, val=None)
    for kind, parts in (("header", s0.headers), ("footer", s0.footers)):
        if "first" not in parts:
            _first_without_number(edit, sect, kind)
    s0.title_page = True
    return ("chọn 'trang đầu khác': trang 1 không hiện số trang",
            "'different first page' on: page 1 shows no number")


def fix_first_page_number(edit: DocxEdit, fix: Fix) -> tuple[str, str] | None:
    s0 = edit.facts.sections[0]
    sect = _sect(edit, 0)
    done = False
    for kind, parts in (("header", s0.eff_headers), ("footer", s0.eff_footers)):
        first = parts.get("first")
        if first is None or not _has_page_field(edit.tree(first)):
            continue
        if first in (parts.get("default"), parts.get("even")):   # shared with other pages: a copy for page 1
            name, rid, root = _new_story(edit, kind, edit.tree(first))
            _copy_rels(edit, first, name)
            _reference(edit, sect, kind, "first", rid)
        else:
            root = edit.tree(first)
            edit.touch(first)
        for p in list(root.iter(w("p"))):
            done = remove_page_fields(p) or done
    return ("bỏ số trang ở trang 1 (đầu/chân trang trang đầu)", "page number taken off page 1") if done else None


PARA_FIXES: dict[str, Callable[[DocxEdit, Para, Fix], tuple[str, str] | None]] = {
    "size": fix_size, "bold": fix_bold, "italic": fix_italic, "bold_italic": fix_bold_italic, "align": fix_align,
    "first_indent": fix_first_indent, "side_indent": fix_side_indent, "line_spacing": fix_line_spacing,
    "space_before": fix_space_before, "page_field_format": fix_page_field_format,
    "page_number_footer": fix_page_number_footer,
}
OTHER_FIXES: dict[str, Callable[[DocxEdit, Fix], tuple[str, str] | None]] = {
    "page_size": fix_page_size, "portrait": fix_portrait, "margins": fix_margins, "page_format": fix_page_format,
    "page_start": fix_page_start, "fonts": fix_fonts, "color": fix_color,
    "page_number_header": fix_page_number_header, "title_page": fix_title_page,
    "first_page_number": fix_first_page_number,
}
#: The order fixes are applied in: formatting first, the page-number field, then page 1.
ORDER = ["page_size", "portrait", "margins", "page_format", "page_start", "size", "bold", "italic", "bold_italic",
         "align", "first_indent", "side_indent", "line_spacing", "space_before", "page_field_format", "fonts",
         "color", "page_number_footer", "page_number_header", "title_page", "first_page_number"]
assert set(ORDER) == set(PARA_FIXES) | set(OTHER_FIXES)


def apply(edit: DocxEdit, findings: Iterable[Finding], failed: list[str] | None = None) -> list[Change]:
    """Carry out the fixes of ``findings`` on ``edit``; what changed. A fix that fails on an odd document
    is noted in ``failed`` and skipped: its issue stays and is listed for a person."""
    todo = [(f, i.fix) for f in findings for i in f.issues if i.fix is not None]
    todo.sort(key=lambda item: ORDER.index(item[1].action))
    changes: list[Change] = []
    done: set[tuple[Any, ...]] = set()
    for f, fix in todo:
        key = (fix.action, repr(fix.value), fix.scope, fix.section, id(f.para) if fix.action in PARA_FIXES else 0)
        if key in done:
            continue
        done.add(key)
        try:
            if fix.action in PARA_FIXES:
                if f.para is None:
                    continue
                what = PARA_FIXES[fix.action](edit, f.para, fix)
                if what is not None:
                    edit.touch(f.para.part)
                where = f.where
            else:
                what = OTHER_FIXES[fix.action](edit, fix)
                where = _where_section(fix.section) if fix.section is not None else _WHOLE
        except Exception as exc:  # noqa: BLE001 - an odd document gives a copy and a list, not a traceback
            if failed is not None:
                failed.append(f"{f.rule} {f.where}: {fix.action}: {type(exc).__name__}: {exc}")
            continue
        if what is not None:
            changes.append(Change(f.rule, where, *what))
    return changes


def _fixable(report: Report) -> list[Finding]:
    return [f for f in report.findings if any(i.fix is not None for i in f.issues)]


def fix_bytes(path: Path, data: bytes | None = None, label: str | None = None) -> tuple[bytes, FixResult]:
    """The fixed copy of the .docx at ``path`` (or in ``data``) and what was done."""
    edit = open_edit(path, data=data, label=label)
    before = evaluate(edit.facts)
    result = FixResult(before, before)
    report = before
    blob = None
    while _fixable(report) and result.rounds < ROUNDS:
        changes = apply(edit, _fixable(report), result.failed)
        if not changes and blob is not None:
            break               # nothing more kh can do: what is still there is listed for a person
        result.changes += changes
        result.rounds += 1
        blob = edit.to_bytes()
        edit = open_edit(path, data=blob, label=label)
        report = evaluate(edit.facts)
    if blob is None:
        blob = edit.to_bytes()
    result.after = report
    for f in report.findings:
        for issue in f.issues:
            if issue.fix is None:
                why = LEFT_FOR_A_PERSON.get(f.rule, ("", ""))
            else:
                why = ("kh không sửa được chỗ này mà giữ nguyên chữ (ký hiệu, mã chữ cũ)",
                       "kh could not fix this without changing what shows (symbols, legacy encoding)")
            result.left.append(Left(f.rule, f.where, issue.text(), *why))
    return blob, result


def fix_file(path: Path, out: Path, data: bytes | None = None, label: str | None = None) -> FixResult:
    """Write the fixed copy of ``path`` to ``out`` (atomically); what was done."""
    blob, result = fix_bytes(path, data, label)
    write_atomic(out, blob)
    return result


__all__ = ["Change", "FixResult", "Left", "apply", "fix_bytes", "fix_file", "remove_page_fields"]
