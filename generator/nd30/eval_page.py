"""Rules about the whole file: paper, orientation, margins, fonts, page numbers (Phụ lục I, Mục I)."""

from __future__ import annotations

import re
import unicodedata

from .facts import Para, Section
from .findings import Issue
from .fixes import BLACK, Fix
from .fixes import TNR as TNR_FACE
from .geometry import TWIPS_PER_MM
from .judge import Ctx, fmt_issues, vn

TNR = "times new roman"
BLACK_COLOURS = {"auto", "000000", "text1", "tx1", "dark1", "black", "windowtext"}
_MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
_SIDE_VI = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}


def sect_where(s: Section) -> str:
    return f"phần (section) {s.index + 1}"


def page_size(ctx: Ctx) -> None:
    for s in ctx.facts.sections:
        if not s.width or not s.height:
            ctx.add("PAGE-SIZE", Issue("không khai báo khổ giấy", "no page size", Fix("page_size", section=s.index)),
                    where=sect_where(s))
            continue
        w, h = s.width / TWIPS_PER_MM, s.height / TWIPS_PER_MM
        dims = sorted((w, h))
        if abs(dims[0] - 210) > 1 or abs(dims[1] - 297) > 1:
            ctx.add("PAGE-SIZE", Issue(f"khổ {vn(w, 1)} x {vn(h, 1)} mm", f"paper {w:.1f} x {h:.1f} mm",
                                       Fix("page_size", section=s.index)),
                    where=sect_where(s))


def page_orient(ctx: Ctx) -> None:
    facts = ctx.facts
    appendix_sections = {p.section for d in ctx.documents for p in d.appendices}
    table_sections = {p.section for p in facts.body if p.cell is not None}
    for s in facts.sections:
        if not s.landscape:
            continue
        if s.index == 0:
            ctx.add("PAGE-ORIENT", Issue("trang đầu (có phần tiêu đề) trình bày theo chiều rộng",
                                         "the first page (with the header) is landscape",
                                         Fix("portrait", section=s.index)), where=sect_where(s))
        elif s.index not in table_sections and s.index not in appendix_sections:
            ctx.add("PAGE-ORIENT", Issue("trình bày theo chiều rộng mà không có bảng, biểu hay phụ lục",
                                         "landscape without a table or an appendix",
                                         Fix("portrait", section=s.index)), where=sect_where(s))


def page_margin(ctx: Ctx) -> None:
    for s in ctx.facts.sections:
        if s.top is None or s.bottom is None or s.left is None or s.right is None:
            least = tuple((k, lo) for k, (lo, _) in _MARGINS.items())
            ctx.add("PAGE-MARGIN", Issue("không khai báo lề trang", "no margins",
                                         Fix("margins", least, section=s.index)), where=sect_where(s))
            continue
        mm = {"top": s.top / TWIPS_PER_MM, "bottom": s.bottom / TWIPS_PER_MM,
              "left": (s.left + s.gutter) / TWIPS_PER_MM, "right": s.right / TWIPS_PER_MM}
        options = [_MARGINS]
        if s.landscape:   # the decree gives no landscape numbers: the same, or turned with the paper
            side = (20, 25)
            options += [{"top": (30, 35), "bottom": (15, 20), "left": side, "right": side},
                        {"top": (15, 20), "bottom": (30, 35), "left": side, "right": side}]
        if any(all(o[k][0] - 0.1 <= mm[k] <= o[k][1] + 0.1 for k in o) for o in options):
            continue
        bad = [k for k in _MARGINS if not _MARGINS[k][0] - 0.1 <= mm[k] <= _MARGINS[k][1] + 0.1]
        ctx.add("PAGE-MARGIN", [Issue(f"lề {_SIDE_VI[k]} {vn(mm[k], 1)} mm, cần {_MARGINS[k][0]}-{_MARGINS[k][1]}",
                                      f"{k} {mm[k]:.1f} mm, need {_MARGINS[k][0]}-{_MARGINS[k][1]}",
                                      Fix("margins", ((k, min(max(mm[k], _MARGINS[k][0]), _MARGINS[k][1])),),
                                          section=s.index))
                                for k in bad], where=sect_where(s))


# ---------------------------------------------------------------------- fonts
def shown_stories(ctx: Ctx) -> list[Para]:
    """Paragraphs printed on some page: body, text boxes, footnotes, displayed headers and footers."""
    facts = ctx.facts
    out = [*facts.body, *facts.textboxes, *facts.footnotes]
    seen: set[str] = set()
    for s in facts.sections:
        for part in [*displayed(ctx, s, "hdr").values(), *displayed(ctx, s, "ftr").values()]:
            if part not in seen:
                seen.add(part)
                out += facts.stories.get(part, [])
    return out


def displayed(ctx: Ctx, s: Section, kind: str) -> dict[str, str]:
    """Header (``hdr``) or footer (``ftr``) parts the section prints, by type."""
    eff = s.eff_headers if kind == "hdr" else s.eff_footers
    out = {}
    for t, part in eff.items():
        if t == "default" or (t == "first" and s.title_page) or (t == "even" and ctx.even_odd):
            out[t] = part
    return out


def _uses_ascii(text: str) -> bool:
    return any(" " < c < "\x80" for c in text)


def _uses_hansi(text: str) -> bool:
    return any(c >= "\x80" and not c.isspace() for c in text)


def font_family(ctx: Ctx) -> None:
    bad: dict[str, list[Para]] = {}
    for p in shown_stories(ctx):
        for r in p.visible:
            faces = []
            if _uses_ascii(r.text):
                faces.append(r.ascii)
            if _uses_hansi(r.text):
                faces.append(r.h_ansi)
            for face in faces:
                if face is not None and not face.strip().lower().startswith(TNR):
                    bad.setdefault(face, [])
                    if not bad[face] or bad[face][-1] is not p:
                        bad[face].append(p)
    for face, paras in bad.items():
        n = len(paras)
        ctx.add("FONT-FAMILY", Issue(f"phông {face} ở {n} đoạn", f"font {face} in {n} paragraph(s)",
                                     Fix("fonts", TNR_FACE)), paras[0])


def font_color(ctx: Ctx) -> None:
    bad: dict[str, list[Para]] = {}
    for p in shown_stories(ctx):
        for r in p.visible:
            if r.color.lower() not in BLACK_COLOURS:
                bad.setdefault(r.color, [])
                if not bad[r.color] or bad[r.color][-1] is not p:
                    bad[r.color].append(p)
    for color, paras in bad.items():
        n = len(paras)
        ctx.add("FONT-COLOR", Issue(f"chữ màu {color} ở {n} đoạn", f"text colour {color} in {n} paragraph(s)",
                                    Fix("color", BLACK)),
                paras[0])


def font_unicode(ctx: Ctx) -> None:
    for p in shown_stories(ctx):
        nfc = unicodedata.normalize("NFC", p.raw)
        if p.raw != nfc or any(unicodedata.combining(c) for c in nfc):
            ctx.add("FONT-UNICODE", Issue("chữ Việt tổ hợp (dấu gõ rời, không phải NFC)",
                                          "decomposed (non-NFC) Vietnamese"), p)


# ---------------------------------------------------------------------- page numbers
def _page_paras(ctx: Ctx, part: str) -> list[Para]:
    return [p for p in ctx.facts.stories.get(part, []) if p.page_field]


def pagenum(ctx: Ctx) -> None:
    facts = ctx.facts
    s0 = facts.sections[0]
    for s in facts.sections:
        if s.page_format not in (None, "decimal"):
            ctx.add("PAGENUM", Issue(f"số trang kiểu '{s.page_format}', cần chữ số Ả Rập",
                                     f"page number format '{s.page_format}', need Arabic",
                                     Fix("page_format", section=s.index)), where=sect_where(s))
        for part in displayed(ctx, s, "ftr").values():
            for p in _page_paras(ctx, part):
                ctx.add("PAGENUM", Issue("số trang ở chân trang, cần đặt ở lề trên (đầu trang)",
                                         "page number in the footer, must be in the header",
                                         Fix("page_number_footer")), p)
                break
    heads = displayed(ctx, s0, "hdr")
    needed = ["default"] + (["even"] if ctx.even_odd else [])
    for t in needed:
        part = heads.get(t)
        paras = _page_paras(ctx, part) if part else []
        if not paras:
            what = {"default": "", "even": " trang chẵn (even pages)"}[t]
            ctx.add("PAGENUM", Issue(f"đầu trang{what} không có số trang (trường PAGE)",
                                     f"the header{' of even pages' if t == 'even' else ''} has no PAGE field",
                                     Fix("page_number_header", t)),
                    where=sect_where(s0))
            continue
        for p in paras[:1]:
            issues = []
            if re.search(r"\\\*\s*(roman|alphabetic)", p.page_field_instr, re.I):
                issues.append(Issue("số trang không phải chữ số Ả Rập", "page number not Arabic",
                                    Fix("page_field_format")))
            issues += fmt_issues(p, size=(13, 14), italic=False, center=True)
            ctx.add("PAGENUM", issues, p)


def pagenum_first(ctx: Ctx) -> None:
    s0 = ctx.facts.sections[0]
    first_kind = "first" if s0.title_page else "default"
    shown_first = [displayed(ctx, s0, k).get(first_kind) for k in ("hdr", "ftr")]
    for part in shown_first:
        if part and _page_paras(ctx, part):
            if s0.title_page:
                msg = Issue("trang đầu hiện số trang (đầu/chân trang trang đầu có trường PAGE)",
                            "page 1 shows a number: the first-page header/footer has a PAGE field",
                        Fix("first_page_number"))
            else:
                msg = Issue("trang đầu hiện số trang: chưa chọn 'trang đầu khác' (titlePg)",
                            "page 1 shows its number: no different first page (titlePg)", Fix("title_page"))
            ctx.add("PAGENUM-FIRST", msg, where=sect_where(s0))
            break
    if s0.page_start not in (None, "0", "1"):
        ctx.add("PAGENUM-FIRST", Issue(f"số trang bắt đầu từ {s0.page_start}, cần từ 1",
                                       f"numbering starts at {s0.page_start}, must start at 1",
                                       Fix("page_start", section=s0.index)),
                where=sect_where(s0))


def appendix_pagenum(ctx: Ctx) -> None:
    facts = ctx.facts
    firsts: dict[int, Para] = {}
    for p in facts.body:
        if p.top and p.text and p.section not in firsts:
            firsts[p.section] = p
    for p in ctx.parts.appendices:
        s = facts.section_of(p)
        if p.section == 0 or firsts.get(p.section) is not p:
            ctx.add("APPX-PAGENUM", Issue("phụ lục không bắt đầu một phần (section) riêng nên không đánh số trang "
                                          "riêng được", "the appendix does not start its own section"), p)
        elif s.page_start != "1":
            ctx.add("APPX-PAGENUM", Issue("số trang của phụ lục không đánh lại từ 1",
                                          "the appendix's page numbering does not restart at 1",
                                          Fix("page_start", section=s.index)), p)

