"""Rules of the content (Phụ lục I, Mục II, khoản 6; khoản 9 ô 9a) and its end mark (Phụ lục III)."""

from __future__ import annotations

import re

from ..lang.numbering import POINT_LETTERS
from .facts import Para
from .findings import Issue
from .fixes import CM, SIX_PT, Fix
from .geometry import LINE_FACTOR
from .judge import Ctx, fmt_issues, roman_to_int, vn, vn_g
from .parts import has_text

_ROMAN = re.compile(r"^([IVXLC]+)\.(?:\s|(?=[A-ZÀ-ỸĐ]))")
_ARABIC = re.compile(r"^(\d+)\.(?:\s|(?=[A-ZÀ-ỸĐa-zà-ỹđ]))")
_LETTER = re.compile(r"^([a-zđ])\)\s?")
_DIEU = re.compile(r"^Điều (\d+)\.")


def _texts(ctx: Ctx) -> list[Para]:
    return [p for p in ctx.parts.body if has_text(p)]


def content(ctx: Ctx) -> list[Para]:
    """Body paragraphs of ordinary text: not all-bold headings, not lines, not pictures or formulas."""
    return [p for p in _texts(ctx) if not p.all_bold() and not p.objects]


def body_size(ctx: Ctx) -> None:
    for p in _texts(ctx):
        sz = p.sizes()
        if any(s < 12.99 or s > 14.01 for s in sz):
            ctx.add("BODY-SIZE", Issue(f"cỡ chữ {'/'.join(vn_g(s) for s in sz)}, cần 13-14",
                                       f"size {'/'.join(f'{s:g}' for s in sz)} pt, need 13-14",
                                       Fix("size", (13, 14))), p)


def body_align(ctx: Ctx) -> None:
    vi = {"left": "trái", "right": "phải", "center": "giữa"}
    for p in content(ctx):
        if p.align != "both":
            ctx.add("BODY-ALIGN", Issue(f"canh {vi.get(p.align, p.align)}, cần canh đều hai lề",
                                        f"aligned {p.align}, need justified", Fix("align", "both")), p)


def body_indent(ctx: Ctx) -> None:
    paras = content(ctx) + [p for p in _texts(ctx) if _DIEU.match(p.shown) and p.all_bold()]
    for p in paras:
        first = p.first_indent / 567.0
        if not 0.98 <= first <= 1.29:
            ctx.add("BODY-INDENT", Issue(f"lùi đầu dòng {vn(first)} cm, cần 1 hoặc 1,27 cm",
                                         f"first-line indent {first:.2f} cm, need 1-1.27 cm",
                                         Fix("first_indent", CM)), p)
        elif abs(p.fmt.left) > 28 or abs(p.fmt.right) > 28:
            ctx.add("BODY-INDENT", Issue(f"thụt lề trái/phải {vn(p.fmt.left / 567)}/{vn(p.fmt.right / 567)} cm",
                                         f"left/right indent {p.fmt.left / 567:.2f}/{p.fmt.right / 567:.2f} cm",
                                         Fix("side_indent")), p)


def body_spacing(ctx: Ctx) -> None:
    prev: Para | None = None
    for p in ctx.parts.body:
        fmt = p.fmt
        issues = []
        if has_text(p):
            size = max(p.sizes())
            single = LINE_FACTOR * size
            if fmt.line_rule == "auto":
                mult = fmt.line / 240.0
                if not 0.99 <= mult <= 1.51:
                    issues.append(Issue(f"giãn dòng {vn(mult)} dòng, cần từ 1 đến 1,5",
                                        f"line spacing {mult:.2f} lines, need 1-1.5", Fix("line_spacing", (1.0, 1.5))))
            else:
                pt = fmt.line / 20.0
                if (fmt.line_rule == "exact" and not 0.95 * single <= pt <= 1.55 * single) or \
                        (fmt.line_rule == "atLeast" and pt > 1.55 * single):
                    issues.append(Issue(f"giãn dòng {fmt.line_rule} {vn_g(pt)} pt (cỡ chữ {vn_g(size)}), cần từ "
                                        f"dòng đơn đến 1,5 dòng", f"line spacing {fmt.line_rule} {pt:g} pt",
                                        Fix("line_spacing", (1.0, 1.5))))
        if prev is not None and has_text(prev) and has_text(p) and not p.centered:
            after, before = prev.fmt.after, fmt.before
            merged = fmt.contextual and prev.fmt.contextual and fmt.style == prev.fmt.style
            if merged:
                after = before = 0
            gap = (after + before) / 20.0   # Word adds the space after one paragraph to the space before the next
            if gap < 5.95:
                # the fix: enough space before this paragraph; when "contextual spacing" of one style swallowed
                # the gap, that setting is turned off here and 6 pt stand before it alone
                need = SIX_PT if merged else max(0, SIX_PT - prev.fmt.after)
                issues.append(Issue(f"cách đoạn trước {vn_g(gap)} pt, cần ít nhất 6 pt",
                                    f"{gap:g} pt after the previous paragraph, need at least 6 pt",
                                    Fix("space_before", (need, merged))))
        ctx.add("BODY-SPACING", issues, p)
        prev = p


def body_numbering(ctx: Ctx) -> None:
    roman = arabic = letter = dieu = 0
    for p in _texts(ctx):
        t = p.shown
        m_r, m_d = _ROMAN.match(t), _DIEU.match(t)
        m_a, m_l = _ARABIC.match(t), _LETTER.match(t)
        issues = []
        if m_r:
            n = roman_to_int(m_r.group(1))
            if n != roman + 1:
                issues.append(Issue(f"mục '{m_r.group(1)}.' sau mục {roman or '(đầu)'}",
                                    f"section '{m_r.group(1)}.' after {roman or 'start'}"))
            roman, arabic, letter = n, 0, 0
            issues += fmt_issues(p, bold=True, upper=True)
        elif m_d:
            n = int(m_d.group(1))
            if n != dieu + 1:
                issues.append(Issue(f"'Điều {n}' sau Điều {dieu}", f"'Điều {n}' after Điều {dieu}"))
            dieu, arabic, letter = n, 0, 0
            if not p.main or not p.main[0].bold:
                issues.append(Issue("'Điều' không đậm", "'Điều' not bold", Fix("bold", True, "first")))
        elif m_a:
            n = int(m_a.group(1))
            if n != arabic + 1:
                issues.append(Issue(f"khoản '{n}.' sau khoản {arabic or '(đầu)'}",
                                    f"clause '{n}.' after {arabic or 'start'}"))
            arabic, letter = n, 0
        elif m_l:
            ch = m_l.group(1)
            if ch not in POINT_LETTERS:
                issues.append(Issue(f"'{ch})' không phải chữ cái đánh điểm tiếng Việt",
                                    f"'{ch})' is not a Vietnamese point letter"))
            else:
                want = POINT_LETTERS[letter] if letter < len(POINT_LETTERS) else None
                if ch != want:
                    issues.append(Issue(f"điểm '{ch})' đứng ở chỗ của '{want})'", f"'{ch})' where '{want})' belongs"))
                letter = POINT_LETTERS.index(ch) + 1
        ctx.add("BODY-NUMBERING", issues, p)


def body_cancu(ctx: Ctx) -> None:
    ps = ctx.parts.cancu
    for i, p in enumerate(ps):
        issues = fmt_issues(p, size=(13, 14), bold=False, italic=True)
        last = i == len(ps) - 1
        if last and not p.text.endswith("."):
            issues.append(Issue(f"căn cứ cuối '…{p.text[-15:]}' phải kết thúc bằng dấu chấm (.)",
                                "the last basis must end with '.'"))
        if not last and not p.text.endswith(";"):
            issues.append(Issue(f"'…{p.text[-15:]}' phải kết thúc bằng dấu chấm phẩy (;)", "a basis must end with ';'"))
        ctx.add("BODY-CANCU", issues, p)


def body_end(ctx: Ctx) -> None:
    texts = _texts(ctx)
    if not texts:
        ctx.add("BODY-END", Issue("không thấy nội dung văn bản", "no content found"), where="nội dung (content)")
        return
    last = texts[-1]
    if not last.text.endswith("./."):
        ctx.add("BODY-END", Issue(f"nội dung kết thúc '…{last.text[-20:]}', thiếu dấu './.'",
                                  f"content ends '…{last.text[-20:]}' without './.'"), last)


def kinhgui(ctx: Ctx) -> None:
    d = ctx.parts
    if not d.kinhgui:
        if d.kind == "CV":
            ctx.add("KINHGUI", Issue("công văn không có dòng 'Kính gửi:'", "official letter without 'Kính gửi:'"),
                    where="trước nội dung (before the content)")
        return
    first = d.kinhgui[0]
    issues = []
    if not re.match(r"^Kính gửi\s*:", first.text):
        issues.append(Issue("sau 'Kính gửi' cần dấu hai chấm (:)", "'Kính gửi' needs a colon"))
    for p in d.kinhgui:
        ctx.add("KINHGUI", fmt_issues(p, size=(13, 14), italic=False), p)
    rest = d.kinhgui[1:]
    for i, p in enumerate(rest):
        end = "." if i == len(rest) - 1 else ";"
        if not p.text.endswith(end):
            issues.append(Issue(f"'{p.text[:30]}' phải kết thúc bằng '{end}'",
                                f"'{p.text[:30]}' must end with '{end}'"))
    ctx.add("KINHGUI", issues, first)
