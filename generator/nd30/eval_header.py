"""Rules of the header block and the title block (Phụ lục I, Mục II, khoản 1-5; Mục IV)."""

from __future__ import annotations

import re

from .doctypes import MIXED_ABBR, TYPE_ABBR
from .findings import Issue
from .fixes import SIX_PT, Fix
from .geometry import LINE_FACTOR
from .judge import Ctx, check_date, fmt_issues, line_ratio
from .lines import text_mid
from .parts import has_text

QH = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TN = "Độc lập - Tự do - Hạnh phúc"


def hdr_layout(ctx: Ctx) -> None:
    d = ctx.parts
    qh = d.qh
    if qh is None:
        ctx.add("HDR-LAYOUT", Issue(f"không thấy Quốc hiệu '{QH}'", "national name not found"),
                where="đầu văn bản (top of the document)")
        return
    if qh.story == "textbox":
        if not d.agency:
            ctx.add("HDR-LAYOUT", Issue("Quốc hiệu nằm trong hộp chữ, không thấy tên cơ quan ban hành",
                                        "national name in a text box, issuing body not found"), qh)
        return
    if d.header_table is None:
        ctx.add("HDR-LAYOUT", Issue("Quốc hiệu là đoạn văn thường, không ở cột phải của bảng tiêu đề hai cột "
                                    "(ô số 1 bên phải, ô số 2 bên trái)",
                                    "national name is a plain paragraph, not in the right column of a two-column "
                                    "header table"), qh)
        return
    issues = []
    cols = {p.cell.col for p in d.scope if p.cell is not None and has_text(p)}
    if len(cols) < 2:
        issues.append(Issue("bảng tiêu đề chỉ có một cột chữ", "the header table has one column of text"))
    if not d.agency:
        issues.append(Issue("không có tên cơ quan ở cột bên trái Quốc hiệu", "no issuing body left of the national "
                                                                          "name"))
    if qh.section != 0 and ctx.index == 0:
        issues.append(Issue("tiêu đề không ở phần (section) đầu", "header not in the first section"))
    above = [p for p in ctx.facts.body[d.start:d.scope[0].order] if p.top and has_text(p)] if d.scope else []
    if len(above) > 2:
        issues.append(Issue(f"{len(above)} đoạn văn phía trên bảng tiêu đề", f"{len(above)} paragraphs above the "
                                                                            f"header table"))
    ctx.add("HDR-LAYOUT", issues, qh)


def hdr_qh(ctx: Ctx) -> None:
    qh = ctx.parts.qh
    if qh is None:
        ctx.add("HDR-QH", Issue(f"không thấy '{QH}'", "national name not found"), where="đầu văn bản")
        return
    issues = []
    if qh.text.upper().replace("HOÀ", "HÒA") != QH:
        issues.append(Issue(f"chữ '{qh.text}', cần đúng '{QH}'", f"text '{qh.text}', need '{QH}'"))
    issues += fmt_issues(qh, size=(12, 13), bold=True, italic=False, center=True, upper=True)
    ctx.add("HDR-QH", issues, qh)


def hdr_tn(ctx: Ctx) -> None:
    d = ctx.parts
    tn = d.tn
    if d.qh is None:
        return
    if tn is None:
        ctx.add("HDR-TN", Issue("không có Tiêu ngữ dưới Quốc hiệu", "no motto under the national name"), d.qh)
        return
    issues = []
    if tn.text != TN:
        hint = (", dùng gạch dài (–/—) thay gạch nối (-)", " (en/em dash used)") if re.search("[–—]", tn.text) \
            else ("", "")
        issues.append(Issue(f"chữ '{tn.text}', cần '{TN}'{hint[0]}", f"text '{tn.text}', need '{TN}'{hint[1]}"))
    issues += fmt_issues(tn, size=(13, 14), bold=True, italic=False, center=True)
    qh = d.qh
    seq = ctx.facts.textboxes if qh.story == "textbox" else ctx.facts.body
    gap = [p for p in seq[qh.order + 1:tn.order] if (p.cell is None) == (qh.cell is None)
           and (qh.cell is None or (p.cell is not None and p.cell.col == qh.cell.col))]
    if gap:
        issues.append(Issue(f"{len(gap)} đoạn trống giữa Quốc hiệu và Tiêu ngữ, cần cách nhau dòng đơn",
                            f"{len(gap)} empty paragraph(s) between national name and motto"))
    ctx.add("HDR-TN", issues, tn)


def hdr_tn_line(ctx: Ctx) -> None:
    if ctx.parts.tn is not None:
        line_ratio(ctx, "HDR-TN-LINE", [ctx.parts.tn], 0.8, 1.25, ("Tiêu ngữ", "the motto"))


def hdr_agency(ctx: Ctx) -> None:
    d = ctx.parts
    if not d.agency:
        ctx.add("HDR-AGENCY", Issue("không thấy tên cơ quan ban hành bên trái Quốc hiệu",
                                    "issuing body not found left of the national name"),
                d.qh if d.qh is not None else None, where="đầu văn bản")
        return
    if not d.issuing:
        ctx.add("HDR-AGENCY", Issue("tên cơ quan ban hành không đậm", "the issuing body's name is not bold",
                                    Fix("bold", True)),
                d.parent[-1])
    for p in d.parent:
        ctx.add("HDR-AGENCY", fmt_issues(p, size=(12, 13), bold=False, italic=False, center=True, upper=True), p)
    for p in d.issuing:
        ctx.add("HDR-AGENCY", fmt_issues(p, size=(12, 13), bold=True, italic=False, center=True, upper=True), p)


def hdr_agency_line(ctx: Ctx) -> None:
    if ctx.parts.issuing:
        line_ratio(ctx, "HDR-AGENCY-LINE", ctx.parts.issuing, 0.25, 0.65, ("tên cơ quan ban hành", "the issuing body"))


def hdr_number(ctx: Ctx) -> None:
    d = ctx.parts
    p = d.so
    if p is None:
        ctx.add("HDR-NUMBER", Issue("không có dòng 'Số:' trong phần tiêu đề", "no 'Số:' line in the header"),
                d.qh, where="đầu văn bản")
        return
    issues = []
    m = re.match(r"^Số\s*:\s*(?P<num>[0-9]*|[.…_]*)\s*/\s*(?P<sym>\S+)$", p.text)
    if not m:
        if not re.match(r"^Số:", p.text):
            issues.append(Issue(f"'{p.text}': sau chữ 'Số' cần dấu hai chấm", f"'{p.text}': 'Số' needs a colon"))
        else:
            issues.append(Issue(f"'{p.text}' không đúng dạng 'Số: số/KÝ HIỆU' (không cách chữ trong ký hiệu)",
                                f"'{p.text}' does not read 'Số: N/SYMBOL'"))
    else:
        num, sym = m.group("num"), m.group("sym")
        if re.match(r"^\d{4}/", sym):
            issues.append(Issue(f"'{p.text}' có năm (dạng văn bản quy phạm pháp luật)",
                                f"'{p.text}' has a year (legal-normative form)"))
            sym = sym[5:]
        if num.isdigit() and int(num) < 10 and not num.startswith("0"):
            issues.append(Issue(f"số '{num}' nhỏ hơn 10 phải có số 0 phía trước (0{num})",
                                f"number '{num}' needs a leading zero"))
        groups = sym.split("-")
        for g in groups:
            if not g or not (re.fullmatch(r"[A-ZĐ0-9]+", g) or g in MIXED_ABBR):
                issues.append(Issue(f"nhóm ký hiệu '{g}' phải in hoa, không cách chữ",
                                    f"symbol group '{g}' must be capitals without spaces"))
        if len(groups) < 2:
            issues.append(Issue(f"ký hiệu '{sym}' thiếu nhóm chữ viết tắt (LOẠI-CƠ QUAN)",
                                f"symbol '{sym}' needs TYPE-ISSUER"))
        if d.type_name is not None and not d.vv:
            want = TYPE_ABBR.get(d.type_name)
            if want and groups and groups[0] != want:
                issues.append(Issue(f"chữ viết tắt '{groups[0]}' không khớp tên loại '{d.type_name}' ({want})",
                                    f"type '{groups[0]}' does not match '{d.type_name}' ({want})"))
    issues += fmt_issues(p, size=(13, 13), bold=False, italic=False, center=True)
    ctx.add("HDR-NUMBER", issues, p)


_DATE_RE = re.compile(r"^(?P<place>[^,]+),\s*ngày(?P<d>[\s.…_0-9]*)tháng(?P<m>[\s.…_0-9]*)năm(?P<y>[\s.…_0-9]*)$")


def hdr_date(ctx: Ctx) -> None:
    d = ctx.parts
    p = d.date
    if p is None:
        ctx.add("HDR-DATE", Issue("không có dòng '<Địa danh>, ngày ... tháng ... năm ...' trong phần tiêu đề",
                                  "no place and date line in the header"), d.qh, where="đầu văn bản")
        return
    issues = []
    m = _DATE_RE.match(p.text)
    if not m:
        issues.append(Issue(f"'{p.text}' không đúng dạng '<Địa danh>, ngày DD tháng M năm YYYY'",
                            f"'{p.text}' does not read '<Place>, ngày DD tháng M năm YYYY'"))
    else:
        place = m.group("place").strip()
        last = place.split()[-1] if place.split() else ""
        if not place[:1].isupper() or not (last[:1].isupper() or last.isdigit()):
            issues.append(Issue(f"địa danh '{place}' phải viết hoa chữ cái đầu", f"place '{place}' not capitalised"))
        dd, mo, yy = (m.group(k).strip(" .…_\t") for k in ("d", "m", "y"))
        issues += check_date(dd, mo, yy)
        for part, name in ((m.group("d"), "ngày"), (m.group("m"), "tháng")):
            if part.strip(" .…_\t") and not re.fullmatch(r"\s+\d{1,2}\s+", part):
                issues.append(Issue(f"thiếu dấu cách quanh số sau '{name}'", f"spacing around the '{name}' number"))
    issues += fmt_issues(p, size=(13, 14), bold=False, italic=True, center=True)
    if d.qh is not None and p.cell is not None and d.qh.cell is not None and p.cell.col != d.qh.cell.col:
        issues.append(Issue("ngày tháng không nằm dưới Quốc hiệu", "date not under the national name"))
    ctx.add("HDR-DATE", issues, p)


def hdr_row(ctx: Ctx) -> None:
    d = ctx.parts
    so, date = d.so, d.date
    if so is None or date is None or so is date:
        return
    if so.cell is None or date.cell is None or so.cell.table is not date.cell.table:
        ctx.add("HDR-ROW", Issue("dòng Số và dòng ngày tháng không cùng một bảng nên không thẳng hàng",
                                 "number and date lines not in one table: they cannot share a line"), so)
        return
    layout = ctx.layouts.table(so.cell.table)
    ys, yd = text_mid(so, layout.tops[id(so)]), text_mid(date, layout.tops[id(date)])
    if abs(ys - yd) > 0.6 * 13 * LINE_FACTOR:
        ctx.add("HDR-ROW", Issue(f"dòng Số ở ≈{ys:.0f} pt, dòng ngày tháng ở ≈{yd:.0f} pt: không cùng một dòng",
                                 f"number at ≈{ys:.0f} pt, date at ≈{yd:.0f} pt: not on one line"), so)


def hdr_vv(ctx: Ctx) -> None:
    d = ctx.parts
    if not d.vv:
        ctx.add("HDR-VV", Issue("công văn không có trích yếu 'V/v ...' dưới số, ký hiệu",
                                "official letter without a 'V/v ...' subject under the number"), d.so,
                where="đầu văn bản")
        return
    for p in d.vv:
        ctx.add("HDR-VV", fmt_issues(p, size=(12, 13), italic=False, center=True), p)
    so = d.so
    if so is not None and so.cell is not None:
        first = d.vv[0]
        layout = ctx.layouts.table(so.cell.table)
        if id(first) in layout.tops and id(so) in layout.tops:
            from .lines import height
            gap = layout.tops[id(first)] - (layout.tops[id(so)] + height(ctx.facts, so)) + \
                first.fmt.before / 20.0 + so.fmt.after / 20.0
            gap = max(gap, (so.fmt.after + first.fmt.before) / 20.0)
            if gap < 5.9:
                ctx.add("HDR-VV", Issue(f"cách dòng Số {gap:.0f} pt, cần 6 pt", f"{gap:.0f} pt below the number, "
                                                                                  f"need 6 pt",
                                        Fix("space_before", (max(0, SIX_PT - so.fmt.after), False))), first)


def title_type(ctx: Ctx) -> None:
    d = ctx.parts
    p = d.title
    if p is None:
        ctx.add("TITLE-TYPE", Issue("không có tên loại văn bản dưới phần tiêu đề", "no document type name after the "
                                                                                  "header"),
                where="sau phần tiêu đề (after the header)")
        return
    issues = []
    if d.type_name is None:
        issues.append(Issue(f"'{p.text}' không phải tên loại văn bản (Điều 7)", f"'{p.text}' is not a type name"))
    issues += fmt_issues(p, size=(13, 14), bold=True, italic=False, center=True, upper=True)
    ctx.add("TITLE-TYPE", issues, p)


def title_trichyeu(ctx: Ctx) -> None:
    d = ctx.parts
    if d.title is None:
        return
    if not d.trichyeu:
        ctx.add("TITLE-TRICHYEU", Issue("không có trích yếu ngay dưới tên loại", "no subject under the type name"),
                d.title)
        return
    for p in d.trichyeu:
        ctx.add("TITLE-TRICHYEU", fmt_issues(p, size=(13, 14), bold=True, italic=False, center=True, upper=False), p)


def title_line(ctx: Ctx) -> None:
    d = ctx.parts
    if not d.trichyeu:
        return
    lines = [ln for p in [*d.trichyeu, *([d.kemtheo] if d.kemtheo is not None else [])] for ln in p.under]
    line_ratio(ctx, "TITLE-LINE", d.trichyeu, 0.25, 0.65, ("trích yếu", "the subject"), lines)
