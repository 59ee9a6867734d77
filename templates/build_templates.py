"""Build the templates under templates/ from code, so every template is reviewable in git.

Run ``python templates/build_templates.py`` after changing this file; a test checks that the
committed .docx files are exactly what this script produces. A template holds the page set-up,
the styles and the layout of one form of Phụ lục III (Nghị định 30/2020) with docxtpl tags; the
text comes from the document at build time. One template per layout of a kind
(:mod:`generator.model.doc_kinds`):

- kehoach.docx: a Kế hoạch (Mẫu 1.4); quyetdinh.docx: a Quyết định issuing a plan, then the plan (1.3);
- vanban.docx: Tờ trình, Báo cáo, Thông báo, Chỉ thị (Mẫu 1.4 with the "Kính gửi:" lines, ô 9a);
- quyetdinh-cabiet.docx: a Quyết định standing alone (Mẫu 1.2: authority, căn cứ, "QUYẾT ĐỊNH:", Điều);
- congvan.docx: a Công văn (Mẫu 1.5: no type name, "V/v ..." under the number, "Kính gửi:");
- quyetdinh-kemtheo.docx: a Quyết định, then the Quy định / Quy chế / Điều lệ it issues (Mẫu 1.3).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.layout.geometry import HEADER_CELL_MARGIN, HEADER_COLS, SIGN_COLS, header_line_width  # noqa: E402
from generator.layout.metrics import centred_rule_indent, text_width_pt  # noqa: E402
from generator.ooxml.package import normalise_zip  # noqa: E402

FONT = "Times New Roman"
BODY_PT = 14
# Page: A4 portrait; margins top 20, bottom 20, left 30, right 15 mm (Phụ lục I §I.5).
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


# ------------------------------------------------------------------ styles
def _fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _drop_theme_fonts(fonts)
    for side in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{side}"), FONT)


def _drop_theme_fonts(fonts) -> None:
    """Remove w:asciiTheme, w:hAnsiTheme, w:eastAsiaTheme and w:cstheme (theme fonts win over named ones)."""
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):
            del fonts.attrib[attr]


def _no_theme_fonts_anywhere(doc) -> None:
    """Built-in styles (headings, title, ...) fall back to Times New Roman, not the theme's Cambria."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        _drop_theme_fonts(fonts)
        if not fonts.attrib:
            fonts.getparent().remove(fonts)


def _doc_defaults(doc) -> None:
    """docDefaults: Times New Roman 14 (not the theme's Cambria), no spacing after, single lines."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _fonts(rpr)
    for tag, val in (("w:sz", BODY_PT * 2), ("w:szCs", BODY_PT * 2)):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(val))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    for old in ppr.findall(qn("w:spacing")):
        ppr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    ppr.append(spacing)


def _style(doc, name, *, base="Normal", size=BODY_PT, bold=False, italic=False, align=None,
           first_line=None, before=0, after=0, line=None, keep_next=False):
    from docx.enum.style import WD_STYLE_TYPE

    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles[base]
    st.quick_style = True
    font = st.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    _fonts(st.element.get_or_add_rPr())
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.first_line_indent = Twips(first_line) if first_line is not None else None
    pf.left_indent = Twips(0)
    pf.right_indent = Twips(0)
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    pf.keep_with_next = keep_next
    return st


def _styles(doc) -> None:
    _doc_defaults(doc)
    _no_theme_fonts_anywhere(doc)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr())
    centre, both, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT
    # Header block (Phụ lục I §V: sizes 12-13 for names, 13-14 for the motto and the date).
    _style(doc, "KH Parent", size=13, align=centre)
    _style(doc, "KH Agency", size=13, bold=True, align=centre)
    _style(doc, "KH Nation", size=13, bold=True, align=centre)
    _style(doc, "KH Motto", size=14, bold=True, align=centre)
    _style(doc, "KH Number", size=13, align=centre, before=6)
    _style(doc, "KH Date", size=14, italic=True, align=centre, before=6)
    _style(doc, "KH Rule", size=6, align=centre)
    # Title block.
    _style(doc, "KH Type", bold=True, align=centre, before=18, keep_next=True)
    _style(doc, "KH Subject", bold=True, align=centre, keep_next=True)
    _style(doc, "KH Attached", italic=True, align=centre, keep_next=True)
    # Content: justified, first line 1.27 cm, 6 pt between paragraphs, 1.15 lines.
    _style(doc, "KH Body", align=both, first_line=720, before=6, line=1.15)
    _style(doc, "KH Basis", base="KH Body", italic=True, align=both, first_line=720, before=6, line=1.15)
    _style(doc, "KH Heading", base="KH Body", bold=True, align=both, first_line=720, before=6, line=1.15,
           keep_next=True)
    # Closing block.
    _style(doc, "KH Recipients Label", size=12, bold=True, italic=True, align=left, before=12)
    _style(doc, "KH Recipient", size=11, align=left)
    _style(doc, "KH Sign Title", size=14, bold=True, align=centre)
    _style(doc, "KH Sign First", base="KH Sign Title", size=14, bold=True, align=centre, before=12)
    _style(doc, "KH Sign Name", size=14, bold=True, align=centre, before=84)
    _style(doc, "KH Page Number", size=14, align=centre)
    # Decision (Mẫu 1.3): issuing authority and "QUYẾT ĐỊNH:" lines.
    _style(doc, "KH Authority", bold=True, align=centre, before=12, keep_next=True)
    # Appendices (Mẫu 2.1) and their tables.
    _style(doc, "KH Appendix Label", bold=True, align=centre, keep_next=True)
    _style(doc, "KH Appendix Title", bold=True, align=centre, keep_next=True)
    _style(doc, "KH Appendix Attached", italic=True, align=centre, keep_next=True)
    _style(doc, "KH Appendix Note", size=13, italic=True, align=centre)
    _style(doc, "KH Table Header", size=13, bold=True, align=centre, before=3, after=3)
    _style(doc, "KH Table Text", size=13, align=left, before=3, after=3)


# ------------------------------------------------------------------ package hygiene
#: Word 2013+ layout: no "[Compatibility Mode]" banner.
COMPATIBILITY_MODE = "15"
LANG = "vi-VN"
#: docProps/app.xml: who wrote the file, nothing stale (python-docx ships "Microsoft Macintosh Word").
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>kh</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)
#: Parts python-docx's default template carries that a kh document must not: a stale
#: stylesWithEffects.xml (Cambria 12 pt en-US, none of our styles), the thumbnail of an empty
#: page, and an empty bibliography customXml.
DROPPED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/")


def _settings(doc) -> None:
    """settings.xml: zoom with its required percent, compatibility mode 15, Vietnamese theme language."""
    settings = doc.settings.element
    for tag in ("w:savePreviewPicture", "w:proofState"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    zoom = settings.find(qn("w:zoom"))
    for attr in list(zoom.attrib):
        del zoom.attrib[attr]
    zoom.set(qn("w:percent"), "100")
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)
    lang = settings.find(qn("w:themeFontLang"))
    for attr in list(lang.attrib):
        del lang.attrib[attr]
    lang.set(qn("w:val"), LANG)


def _clean_package(data: bytes) -> bytes:
    """Drop :data:`DROPPED_PARTS` with their relationships and content types; kh's app.xml; theme fonts."""
    import posixpath
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    dropped = [n for n in src.namelist() if n.startswith(DROPPED_PARTS)]

    def gone(rels_name: str, target: str) -> bool:
        base = posixpath.dirname(posixpath.dirname(rels_name))     # word/_rels/x.rels → word
        return posixpath.normpath(posixpath.join(base, target)) in dropped

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            name = item.filename
            if name in dropped:
                continue
            body = src.read(name)
            if name.endswith(".rels"):
                body = re.sub(rb'<Relationship [^>]*Target="([^"]*)"[^>]*/>',
                              lambda m, rels=name: b"" if gone(rels, m.group(1).decode()) else m.group(0), body)
            elif name == "[Content_Types].xml":
                body = re.sub(rb'<Override PartName="/([^"]*)"[^>]*/>',
                              lambda m: b"" if m.group(1).decode() in dropped else m.group(0), body)
                body = body.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
            elif name == "docProps/app.xml":
                body = APP_XML.encode()
            elif name == "word/theme/theme1.xml":      # major and minor Latin fonts: Times New Roman
                body = re.sub(rb'<a:latin typeface="[^"]*"', f'<a:latin typeface="{FONT}"'.encode(), body)
            dst.writestr(item, body)
    return out.getvalue()


# ------------------------------------------------------------------ helpers
def _para(container, text="", style=None):
    p = container.add_paragraph(style=style)
    if text:
        p.add_run(text)
    return p


def _rule(container, indent):
    """An empty paragraph whose bottom border is the decree's solid line; ``indent`` in twips or a tag."""
    p = container.add_paragraph(style="KH Rule")
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{k}"), v)
    bdr.append(bottom)
    ppr.append(bdr)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:line"), "120")
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), str(indent))
    ind.set(qn("w:right"), str(indent))
    ppr.append(ind)
    return p


def _table(doc, widths):
    table = doc.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False            # writes <w:tblLayout w:type="fixed"/> in schema order
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(w))
    return table


def _cell(table, row, col, width):
    cell = table.rows[row].cells[col]
    cell.width = Twips(width)
    # drop the empty paragraph python-docx puts in a new cell; we add our own
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    return cell


def _tag_row(table, tag):
    """A row holding only a docxtpl row tag such as '{%tr if number_line %}'."""
    row = table.add_row()
    cell = _cell(table, len(table.rows) - 1, 0, table.columns[0].width or 0)
    _para(cell, tag)
    for c in row.cells[1:]:
        for p in list(c.paragraphs):
            p._p.getparent().remove(p._p)
        _para(c)
    return row


# ------------------------------------------------------------------ the template
def _new_document():
    """A4 portrait document with the styles, margins and page-number header."""
    doc = Document()
    _styles(doc)
    _settings(doc)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    for side, value in MARGINS.items():
        setattr(sec, f"{side}_margin", value)
    sec.header_distance = Mm(10)
    sec.footer_distance = Mm(10)
    sec.different_first_page_header_footer = True
    # Page number: centred in the top margin from page 2 on (Phụ lục I §I.7).
    hdr = sec.header.paragraphs[0]
    hdr.style = doc.styles["KH Page Number"]
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    fld.append(run)
    hdr._p.append(fld)
    sec.first_page_header.is_linked_to_previous = False
    sec.first_page_header.paragraphs[0].style = doc.styles["KH Page Number"]
    body = doc.element.body
    for p in list(body.findall(qn("w:p"))):
        body.remove(p)
    return doc


def _header(doc, number_line: str, date_line: str) -> None:
    """Header table: issuing body | national title; then "Số" | place and date (when set)."""
    hdr_tbl = _table(doc, HEADER_COLS)
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(HEADER_CELL_MARGIN))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    hdr_tbl._tbl.tblPr.insert_element_before(mar, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    left, right = _cell(hdr_tbl, 0, 0, HEADER_COLS[0]), _cell(hdr_tbl, 0, 1, HEADER_COLS[1])
    _para(left, "{%p for line in parent %}")
    _para(left, "{{ line }}", "KH Parent")
    _para(left, "{%p endfor %}")
    _para(left, "{%p for line in agency %}")
    _para(left, "{{ line }}", "KH Agency")
    _para(left, "{%p endfor %}")
    _rule(left, "{{ rules.agency }}")
    _para(right, NATION, "KH Nation")
    _para(right, MOTTO, "KH Motto")
    _rule(right, centred_rule_indent(header_line_width(1), text_width_pt(MOTTO, 14, bold=True), 1.0))
    _tag_row(hdr_tbl, f"{{%tr if {number_line} %}}")
    hdr_tbl.add_row()
    row = len(hdr_tbl.rows) - 1
    _para(_cell(hdr_tbl, row, 0, HEADER_COLS[0]), f"{{{{ {number_line} }}}}", "KH Number")
    _para(_cell(hdr_tbl, row, 1, HEADER_COLS[1]), f"{{{{r {date_line} }}}}", "KH Date")
    _tag_row(hdr_tbl, "{%tr endif %}")


def _title(doc, doc_type: str, subject: str, rule: str, attached: str | None = None) -> None:
    """KẾ HOẠCH / QUYẾT ĐỊNH, the trích yếu, the optional "(Kèm theo ...)" line, a short rule."""
    _para(doc, doc_type, "KH Type")
    _para(doc, f"{{%p for line in {subject} %}}")
    _para(doc, "{{ line }}", "KH Subject")
    _para(doc, "{%p endfor %}")
    if attached:
        _para(doc, f"{{%p if {attached} %}}")
        _para(doc, f"{{{{ {attached} }}}}", "KH Attached")
        _para(doc, "{%p endif %}")
    _rule(doc, f"{{{{ {rule} }}}}")


def _content(doc, blocks: str) -> None:
    """One paragraph per block, styled by its kind."""
    _para(doc, f"{{%p for b in {blocks} %}}")
    _para(doc, "{%p if b.kind == 'basis' %}")
    _para(doc, "{{r b.rt }}", "KH Basis")
    _para(doc, "{%p elif b.kind in ('heading1', 'heading2', 'heading3') %}")
    _para(doc, "{{r b.rt }}", "KH Heading")
    _para(doc, "{%p else %}")
    _para(doc, "{{r b.rt }}", "KH Body")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")


def _closing(doc, recipients: str, titles: str, name: str) -> None:
    """Nơi nhận | signature, side by side in a borderless table."""
    sign = _table(doc, SIGN_COLS)
    left, right = _cell(sign, 0, 0, SIGN_COLS[0]), _cell(sign, 0, 1, SIGN_COLS[1])
    _para(left, "Nơi nhận:", "KH Recipients Label")
    _para(left, f"{{%p for line in {recipients} %}}")
    _para(left, "{{ line }}", "KH Recipient")
    _para(left, "{%p endfor %}")
    _para(right, f"{{{{ {titles}[0] }}}}", "KH Sign First")
    _para(right, f"{{%p for line in {titles}[1:] %}}")
    _para(right, "{{ line }}", "KH Sign Title")
    _para(right, "{%p endfor %}")
    _para(right, f"{{{{ {name} }}}}", "KH Sign Name")


def _plan_part(doc) -> None:
    """Mẫu 1.4: the Kế hoạch (alone, or attached to a decision: no number, date or signature)."""
    _header(doc, "number_line", "date_line")
    _title(doc, "{{ doc_type }}", "subject", "rules.subject", attached="attached_line")
    _content(doc, "body")
    _para(doc, "{%p if not attached %}")
    _closing(doc, "recipients", "signer_titles", "signer_name")
    _para(doc, "{%p endif %}")


def _decision_part(doc) -> None:
    """Mẫu 1.3: the Quyết định that issues the plan."""
    _header(doc, "qd.number_line", "qd.date_line")
    _title(doc, "QUYẾT ĐỊNH", "qd.subject", "qd.rules.subject")
    _para(doc, "{{ qd.authority }}", "KH Authority")
    _content(doc, "qd.body")
    _para(doc, "QUYẾT ĐỊNH:", "KH Authority")
    _content(doc, "qd.articles")
    _closing(doc, "qd.recipients", "qd.signer_titles", "qd.signer_name")


def _pack(doc, title: str = "Kế hoạch") -> bytes:
    doc.core_properties.author = "kh"
    doc.core_properties.title = title
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(_clean_package(buf.getvalue()))


def build_kehoach() -> bytes:
    """The Kế hoạch template (Mẫu 1.4) as .docx bytes."""
    doc = _new_document()
    _plan_part(doc)
    return _pack(doc)


def build_quyetdinh() -> bytes:
    """Quyết định (Mẫu 1.3) then, from a new page numbered from 1, the plan it issues."""
    doc = _new_document()
    _decision_part(doc)
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.different_first_page_header_footer = True
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:start"), "1")
    sec._sectPr.find(qn("w:pgMar")).addnext(num)
    _plan_part(doc)
    return _pack(doc)


# ------------------------------------------------------------------ the other kinds (doc_kinds.KINDS)
def _kind_styles(doc) -> None:
    """Styles only the other kinds' templates hold (kehoach.docx and quyetdinh.docx stay as they were)."""
    both, centre = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    # "Kính gửi:" (ô 9a): 13-14 pt upright (Phụ lục I §II.9.d); a body paragraph's shape (justified, first
    # line 1.27 cm) placed by a tab stop the writer sets, so the lines stand centred, dashes under the colon.
    _style(doc, "KH Addressee", align=both, first_line=720, before=6, line=1.15)
    # "V/v ..." (ô 5b): 12-13 pt upright, centred under the number, 6 pt below it (Phụ lục I §II.5.b).
    _style(doc, "KH Letter Subject", size=12, align=centre, before=6)
    # The content's last paragraph, kept on the page of the Nơi nhận | signature block: a signature never
    # stands on a page of its own.
    _style(doc, "KH Body Last", base="KH Body", align=both, first_line=720, before=6, line=1.15, keep_next=True)
    # "Chương I" and the chapter's title (Phụ lục I §II.6.đ): own lines, centred, bold; kept with what follows.
    _style(doc, "KH Chapter", bold=True, align=centre, before=6, keep_next=True)


def _content_kinds(doc, blocks: str) -> None:
    """:func:`_content`, a decision's "QUYẾT ĐỊNH:" line (kind 'decide') centred and bold, and the last paragraph
    kept with the closing block."""
    _para(doc, f"{{%p for b in {blocks} %}}")
    _para(doc, "{%p if b.kind == 'basis' %}")
    _para(doc, "{{r b.rt }}", "KH Basis")
    _para(doc, "{%p elif b.kind in ('heading1', 'heading2', 'heading3') %}")
    _para(doc, "{{r b.rt }}", "KH Heading")
    _para(doc, "{%p elif b.kind == 'decide' %}")
    _para(doc, "{{r b.rt }}", "KH Authority")
    _para(doc, "{%p elif b.kind == 'chapter' %}")
    _para(doc, "{{r b.rt }}", "KH Chapter")
    _para(doc, "{%p elif loop.last %}")
    _para(doc, "{{r b.rt }}", "KH Body Last")
    _para(doc, "{%p else %}")
    _para(doc, "{{r b.rt }}", "KH Body")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")


def _addressees(doc) -> None:
    """The "Kính gửi:" lines: each a tab to its place (``to_lines``: text and tab stop, from the writer)."""
    _para(doc, "{%p for line in to_lines %}")
    p = _para(doc, style="KH Addressee")
    tabs = p._p.get_or_add_pPr().get_or_add_tabs()
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "left")
    tab.set(qn("w:pos"), "{{ line.tab }}")
    tabs.append(tab)
    p.add_run("\t{{ line.text }}")
    _para(doc, "{%p endfor %}")


def _closing_kept(doc, recipients: str, titles: str, name: str) -> None:
    """:func:`_closing` whose row never splits across pages (the signer's name stays with the titles)."""
    _closing(doc, recipients, titles, name)
    trpr = doc.tables[-1].rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def build_vanban() -> bytes:
    """Tờ trình, Báo cáo, Thông báo, Chỉ thị (Mẫu 1.4): type name, trích yếu, "Kính gửi:", content, closing."""
    doc = _new_document()
    _kind_styles(doc)
    _header(doc, "number_line", "date_line")
    _title(doc, "{{ doc_type }}", "subject", "rules.subject")
    _addressees(doc)
    _content_kinds(doc, "body")
    _closing_kept(doc, "recipients", "signer_titles", "signer_name")
    return _pack(doc, "Văn bản")


def build_quyetdinh_cabiet() -> bytes:
    """A Quyết định standing alone (Mẫu 1.2): authority, căn cứ, "QUYẾT ĐỊNH:", the articles, closing."""
    doc = _new_document()
    _kind_styles(doc)
    _header(doc, "number_line", "date_line")
    _title(doc, "{{ doc_type }}", "subject", "rules.subject")
    _para(doc, "{{ authority }}", "KH Authority")
    _content_kinds(doc, "body")
    _closing_kept(doc, "recipients", "signer_titles", "signer_name")
    return _pack(doc, "Quyết định")


def build_congvan() -> bytes:
    """A Công văn (Mẫu 1.5): no type name; "V/v ..." under the number; "Kính gửi:", content, closing."""
    doc = _new_document()
    _kind_styles(doc)
    _header(doc, "number_line", "date_line")
    number_cell = doc.tables[-1].rows[2].cells[0]       # rows: names | {%tr if %} | Số, date | {%tr endif %}
    _para(number_cell, "{{r letter_subject }}", "KH Letter Subject")
    _addressees(doc)
    _content_kinds(doc, "body")
    _closing_kept(doc, "recipients", "signer_titles", "signer_name")
    return _pack(doc, "Công văn")


def build_quyetdinh_kemtheo() -> bytes:
    """A Quyết định (Mẫu 1.3), then from a new page numbered from 1 the document it issues (its attached form:
    header without number and date, type name, trích yếu, "(Kèm theo Quyết định ...)", Chương and Điều)."""
    doc = _new_document()
    _kind_styles(doc)
    _header(doc, "qd.number_line", "qd.date_line")
    _title(doc, "QUYẾT ĐỊNH", "qd.subject", "qd.rules.subject")
    _para(doc, "{{ qd.authority }}", "KH Authority")
    _content_kinds(doc, "qd.body")
    _para(doc, "QUYẾT ĐỊNH:", "KH Authority")
    _content_kinds(doc, "qd.articles")
    _closing_kept(doc, "qd.recipients", "qd.signer_titles", "qd.signer_name")
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.different_first_page_header_footer = True
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:start"), "1")
    sec._sectPr.find(qn("w:pgMar")).addnext(num)
    _header(doc, "number_line", "date_line")
    _title(doc, "{{ doc_type }}", "subject", "rules.subject", attached="attached_line")
    _content_kinds(doc, "body")
    return _pack(doc, "Quyết định")


TEMPLATES = {"kehoach.docx": build_kehoach, "quyetdinh.docx": build_quyetdinh, "vanban.docx": build_vanban,
             "quyetdinh-cabiet.docx": build_quyetdinh_cabiet, "congvan.docx": build_congvan,
             "quyetdinh-kemtheo.docx": build_quyetdinh_kemtheo}


def main() -> None:
    for name, build in TEMPLATES.items():
        (ROOT / "templates" / name).write_bytes(build())
        print(f"templates/{name}")


if __name__ == "__main__":
    main()
