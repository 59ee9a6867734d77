"""What every rule module shares: the context findings go to, and the common formatting judgements."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from .facts import DrawnLine, Facts, Para
from .findings import Finding, Issue
from .fixes import Fix
from .geometry import text_width
from .lines import Layouts, avail_width
from .parts import Parts
from .rules import BY_ID

_ALIGN_VI = {"left": "trái", "right": "phải", "center": "giữa", "both": "đều hai lề"}


@dataclass
class Ctx:
    """One document of a file being judged; rule functions add findings here."""

    facts: Facts
    parts: Parts
    index: int
    documents: list[Parts]
    even_odd: bool
    layouts: Layouts
    out: list[Finding] = field(default_factory=list)

    def add(self, rule_id: str, issues: list[Issue] | Issue, para: Para | None = None, where: str = "") -> None:
        """Record one finding of ``rule_id`` at ``para`` (or ``where``) made of ``issues``."""
        items = [issues] if isinstance(issues, Issue) else issues
        if not items:
            return
        rule = BY_ID[rule_id]
        self.out.append(Finding(
            rule_id, rule.severity, "; ".join(i.text() for i in items),
            para.where() if para is not None else where,
            para.page if para is not None else None,
            para.number if para is not None and para.story == "body" else None,
            rule.requirement, rule.place, all(i.fixable for i in items), self.index, tuple(items), para,
            self.anchor_of(para)))

    def anchor_of(self, para: Para | None) -> Para | None:
        """The body paragraph a remark about ``para`` stands on: itself, the paragraph holding its text
        box or footnote; the document's first paragraph for headers, footers and the whole file."""
        if para is not None and para.story == "body":
            return para
        if para is not None and para.anchor_of is not None and para.anchor_of.story == "body":
            return para.anchor_of
        if para is not None and para.story == "footnote":
            holder = self.facts.footnote_holder(para)
            if holder is not None:
                return holder
        body = self.facts.body
        return body[self.parts.start] if self.parts.start < len(body) else (body[0] if body else None)


def vn(x: float, digits: int = 2) -> str:
    """A number written the Vietnamese way (decimal comma): 1.27 → "1,27"."""
    return f"{x:.{digits}f}".replace(".", ",")


def vn_g(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def sizes_text(sizes: list[float]) -> str:
    return "/".join(f"{s:g}" for s in sizes)


def fmt_issues(p: Para, size: tuple[float, float] | None = None, bold: bool | None = None,
               italic: bool | None = None, center: bool = False, upper: bool | None = None) -> list[Issue]:
    """The common checks of one paragraph's formatting against what a rule asks (each with its fix,
    except the case of the letters: capitals typed are other characters)."""
    out: list[Issue] = []
    sz = p.sizes()
    if size is not None and (min(sz) < size[0] - 0.01 or max(sz) > size[1] + 0.01):
        need = f"{size[0]:g}" if size[0] == size[1] else f"{size[0]:g}-{size[1]:g}"
        out.append(Issue(f"cỡ chữ {sizes_text(sz).replace('.', ',')}, cần {need.replace('.', ',')}",
                         f"size {sizes_text(sz)} pt, need {need}", Fix("size", size)))
    if bold is True and not p.all_bold():
        out.append(Issue("không đậm", "not bold", Fix("bold", True)))
    if bold is False and p.any_bold():
        out.append(Issue("chữ đậm, không được đậm", "bold, must not be", Fix("bold", False)))
    if italic is True and not p.all_italic():
        out.append(Issue("không nghiêng", "not italic", Fix("italic", True)))
    if italic is False and p.any_italic():
        out.append(Issue("chữ nghiêng, phải đứng", "italic, must be upright", Fix("italic", False)))
    if center and not p.centered:
        out.append(Issue(f"canh {_ALIGN_VI.get(p.align, p.align)}, cần canh giữa",
                         f"aligned {p.align}, need centred", Fix("align", "center")))
    if upper is True and p.shown != p.shown.upper():
        out.append(Issue("không viết in hoa", "not in capitals"))
    if upper is False and p.shown == p.shown.upper() and re.search(r"[a-zà-ỹđ]", p.text.lower()):
        out.append(Issue("viết IN HOA, phải in thường", "written in capitals, must be lower case"))
    return out


def check_date(d: str, m: str, y: str) -> list[Issue]:
    """The leading-zero rule of Phụ lục I §II.4.b (blank parts allowed for drafts)."""
    out: list[Issue] = []
    if d:
        if not d.isdigit():
            out.append(Issue(f"ngày '{d}' không phải chữ số", f"day '{d}' not numeric"))
        elif int(d) < 10 and len(d) != 2:
            out.append(Issue(f"ngày '{d}' thiếu số 0 (0{int(d)})", f"day '{d}' needs a leading zero"))
        elif int(d) >= 10 and len(d) != 2:
            out.append(Issue(f"ngày '{d}' sai dạng", f"day '{d}' malformed"))
    if m:
        if not m.isdigit():
            out.append(Issue(f"tháng '{m}' không phải chữ số", f"month '{m}' not numeric"))
        elif int(m) in (1, 2) and m not in ("01", "02"):
            out.append(Issue(f"tháng '{m}' thiếu số 0 (0{int(m)})", f"month '{m}' needs a leading zero"))
        elif int(m) >= 3 and m.startswith("0"):
            out.append(Issue(f"tháng '{m}' thừa số 0 ({int(m)})", f"month '{m}' must not have a leading zero"))
        elif not 1 <= int(m) <= 12:
            out.append(Issue(f"tháng '{m}' không có", f"month '{m}' out of range"))
    if y and not re.fullmatch(r"\d{4}", y):
        out.append(Issue(f"năm '{y}' phải có 4 chữ số", f"year '{y}' must have 4 digits"))
    if not out and d and m and y:
        dd, mm, yy = int(d), int(m), int(y)
        if not 1 <= dd <= calendar.monthrange(yy, mm)[1]:
            out.append(Issue(f"ngày {dd}/{mm}/{yy} không có thật", f"{dd}/{mm}/{yy} is not a date"))
    return out


def width_of(facts: Facts, p: Para) -> float:
    """Estimated width (pt) of the paragraph's longest displayed line, capped by the width available."""
    widths = [0.0]
    for r in p.main:
        for i, chunk in enumerate(r.text.split("\n")):
            if i:
                widths.append(0.0)
            widths[-1] += text_width(chunk.upper() if r.caps else chunk, r.size, r.bold)
    return min(max(widths), avail_width(facts, p))


def line_ratio(ctx: Ctx, rule_id: str, texts: list[Para], lo: float, hi: float, what: tuple[str, str],
               lines: list[DrawnLine] | None = None) -> None:
    """A line must stand under ``texts`` with a length between ``lo`` and ``hi`` times their width."""
    if lines is None:
        lines = [ln for p in texts for ln in p.under]
    anchor = texts[-1]
    if not lines:
        ctx.add(rule_id, Issue(f"không có đường kẻ ngang dưới {what[0]}", f"no horizontal line under {what[1]}"),
                anchor)
        return
    measured = [ln for ln in lines if ln.length]
    if not measured:
        return
    width = max(width_of(ctx.facts, p) for p in texts)
    if not width:
        return
    best = min(measured, key=lambda ln: abs(ln.length / width - (lo + hi) / 2))   # type: ignore[operator]
    assert best.length is not None
    ratio = best.length / width
    if not lo <= ratio <= hi:
        cm, tcm = best.length / 28.35, width / 28.35
        digits = 3 if lo <= round(ratio, 2) <= hi else 2     # never print an out-of-range ratio as in range
        ctx.add(rule_id, Issue(
            f"đường kẻ dài {vn(cm)} cm, dòng chữ ≈{vn(tcm)} cm (tỉ lệ {vn(ratio, digits)}, cần {vn_g(lo)}-{vn_g(hi)})",
            f"line {cm:.2f} cm vs text ≈{tcm:.2f} cm, ratio {ratio:.{digits}f}, need {lo:g}-{hi:g}"), anchor)


def roman_to_int(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total, prev = 0, 0
    for ch in reversed(s):
        v = vals.get(ch, 0)
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total
