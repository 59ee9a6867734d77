"""Rules of the closing block and the appendices (Phụ lục I, Mục II, khoản 7, 9; Mục III, khoản 1)."""

from __future__ import annotations

import re

from .facts import Para, norm
from .findings import Issue
from .fixes import Fix
from .judge import Ctx, check_date, fmt_issues, roman_to_int, vn_g
from .parts import has_text, is_upper


def _noinhan_lines(ctx: Ctx) -> list[tuple[str, Para]]:
    """Lines of the Nơi nhận block (label first): (text, paragraph)."""
    d = ctx.parts
    p0 = d.noinhan
    assert p0 is not None
    if p0.cell is not None:
        paras = [p for p in p0.cell.paras if p.order >= p0.order]
    else:
        paras = []
        for p in ctx.facts.body[p0.order:d.end]:
            if p is not p0 and (not p.top or not p.text or p in d.sign):
                break
            paras.append(p)
    out = []
    for p in paras:
        for line in p.raw.split("\n"):
            if norm(line):
                out.append((norm(line), p))
    return out


def noinhan_label(ctx: Ctx) -> None:
    d = ctx.parts
    p = d.noinhan
    if p is None:
        ctx.add("NOINHAN-LABEL", Issue("không thấy 'Nơi nhận:'", "no 'Nơi nhận:' found"),
                where="cuối văn bản (end of the document)")
        return
    issues = []
    if not p.text.startswith("Nơi nhận:"):
        issues.append(Issue(f"'{p.text[:15]}': cần 'Nơi nhận:' (in thường, có dấu hai chấm)",
                            f"'{p.text[:15]}': need 'Nơi nhận:'"))
    label, acc = [], ""
    for r in p.main:
        label.append(r)
        acc += r.text
        if "nhận" in acc.lower():
            break
    if not all(r.bold and r.italic for r in label):
        issues.append(Issue("chữ 'Nơi nhận' không đậm nghiêng", "label not bold italic",
                            Fix("bold_italic", True, "label")))
    if any(abs(r.size - 12) > 0.01 for r in label):
        issues.append(Issue(f"cỡ chữ {vn_g(label[0].size)}, cần 12", f"label size {label[0].size:g} pt, need 12",
                            Fix("size", (12, 12), "label")))
    if p.align not in ("left", "both"):
        issues.append(Issue("'Nơi nhận' không sát lề trái", "label not flush left", Fix("align", "left")))
    signs = [x for x in d.sign if x.cell is not None]
    if p.cell is not None and signs and p.cell.col > min(x.cell.col for x in signs if x.cell is not None):
        issues.append(Issue("'Nơi nhận' nằm bên phải chữ ký", "'Nơi nhận' stands right of the signature"))
    ctx.add("NOINHAN-LABEL", issues, p)


def noinhan_entries(ctx: Ctx) -> None:
    d = ctx.parts
    if d.noinhan is None:
        return
    lines = _noinhan_lines(ctx)
    rest = re.sub(r"^Nơi nhận\s*:?", "", lines[0][0], flags=re.I).strip() if lines else ""
    entries = ([(rest, lines[0][1])] if rest else []) + lines[1:]
    merged: list[tuple[str, Para]] = []
    for t, p in entries:   # a wrapped entry continues on the next line without "-"
        if merged and not t.startswith(("-", "–")):
            merged[-1] = (merged[-1][0] + " " + t, merged[-1][1])
        else:
            merged.append((t, p))
    if not merged:
        ctx.add("NOINHAN-ENTRIES", Issue("không liệt kê nơi nhận", "no recipients listed"), d.noinhan)
        return
    issues = []
    for i, (t, _p) in enumerate(merged):
        last = i == len(merged) - 1
        if not re.match(r"^-\s?\S", t):
            issues.append(Issue(f"'{t[:25]}' phải bắt đầu bằng gạch đầu dòng '- '", f"'{t[:25]}' must start with '- '"))
        if last:
            if not re.match(r"^-\s*Lưu\s*:", t) or "VT" not in t:
                issues.append(Issue(f"dòng cuối '{t[:30]}' phải là '- Lưu: VT, ...'",
                                    f"last entry '{t[:30]}' must be '- Lưu: VT, ...'"))
            if not t.endswith("."):
                issues.append(Issue(f"dòng cuối '…{t[-20:]}' phải kết thúc bằng dấu chấm",
                                    "last entry must end with '.'"))
        elif not t.endswith(";"):
            issues.append(Issue(f"'{t[:30]}' phải kết thúc bằng dấu chấm phẩy", f"'{t[:30]}' must end with ';'"))
    if d.kinhgui and merged and not re.match(r"^-\s*Như trên\b", merged[0][0]):
        issues.append(Issue("văn bản có 'Kính gửi' thì dòng đầu nơi nhận là '- Như trên;'",
                            "with 'Kính gửi' the list starts with '- Như trên;'"))
    ctx.add("NOINHAN-ENTRIES", issues, d.noinhan)
    seen: set[int] = set()
    for _, p in merged:
        if p is d.noinhan or id(p) in seen:
            continue
        seen.add(id(p))
        ctx.add("NOINHAN-ENTRIES", fmt_issues(p, size=(11, 11), bold=False, italic=False), p)
    if any(p is d.noinhan for _, p in merged):
        extra = [r for r in d.noinhan.main[1:] if r.text.strip().startswith("-")]
        if any(abs(r.size - 11) > 0.01 for r in extra):
            ctx.add("NOINHAN-ENTRIES", Issue("nơi nhận viết cùng đoạn với nhãn không phải cỡ 11",
                                             "entries in the label's paragraph not 11 pt",
                                             Fix("size", (11, 11), "after_label")), d.noinhan)


def _sign_parts(ctx: Ctx) -> tuple[list[Para], Para | None]:
    titles: list[Para] = []
    name = None
    for p in ctx.parts.sign:
        if not has_text(p):
            continue
        if p.all_bold() and is_upper(p) and name is None:
            titles.append(p)
        elif p.all_bold():
            name = p
    return titles, name


def sign_block(ctx: Ctx) -> None:
    d = ctx.parts
    if not d.sign:
        ctx.add("SIGN-BLOCK", Issue("không thấy khối chữ ký (chức vụ IN HOA đậm, họ tên đậm)",
                                    "no signature block (capitals bold title, bold name)"),
                where="cuối văn bản (end of the document)")
        return
    titles, name = _sign_parts(ctx)
    if not titles:
        ctx.add("SIGN-BLOCK", Issue("không có dòng quyền hạn, chức vụ in hoa đậm", "no capitals bold title line"),
                d.sign[0])
    if name is None:
        ctx.add("SIGN-BLOCK", Issue("không có dòng họ tên người ký (in thường, đậm)", "no bold name line"),
                d.sign[-1])
    for p in titles:
        ctx.add("SIGN-BLOCK", fmt_issues(p, size=(13, 14), bold=True, italic=False, center=True, upper=True), p)
    if name is not None:
        ctx.add("SIGN-BLOCK", fmt_issues(name, size=(13, 14), bold=True, italic=False, center=True, upper=False),
                name)
    first = d.sign[0]
    if d.noinhan is not None and d.noinhan.cell is None and first.cell is None:
        if first.align not in ("center", "right") or first.fmt.left < 2000:
            ctx.add("SIGN-BLOCK", Issue("khối chữ ký không ở bên phải", "signature block not on the right"), first)


def sign_prefix(ctx: Ctx) -> None:
    titles, _ = _sign_parts(ctx)
    if not titles:
        return
    first = titles[0].text
    issues = []
    bad = re.match(r"^(T\s*/\s*M|K\s*/\s*T|T\s*/\s*L|TM|KT|TL|TUQ|Q)(?=[\s./]|$)(?!\.\s)", first)
    good = re.match(r"^(TM|KT|TL|TUQ|Q)\.\s*\S", first)
    if bad and not good:
        issues.append(Issue(f"'{first}': quyền hạn phải viết TM., KT., TL., TUQ. hoặc Q. (có dấu chấm)",
                            f"'{first}': the prefix must be TM., KT., TL., TUQ. or Q."))
    for p in titles[1:]:
        if re.match(r"^(T\s*/\s*M|K\s*/\s*T|T\s*/\s*L)", p.text):
            issues.append(Issue(f"'{p.text}': dùng TM./KT./TL.", f"'{p.text}': use TM./KT./TL."))
    if good and good.group(1) in ("TM", "KT", "TL", "TUQ") and len(titles) < 2:
        issues.append(Issue(f"sau '{first}' phải có dòng chức vụ của người ký", f"'{first}' needs the signer's title"))
    ctx.add("SIGN-PREFIX", issues, titles[0])


def appendix_head(ctx: Ctx) -> None:
    d = ctx.parts
    if not d.appendices:
        return
    many = len(d.appendices) > 1
    sym = d.symbol
    main_no = f"{sym[0]}/{sym[1]}" if sym and sym[0].isdigit() else None
    tops = [p for p in ctx.facts.body[d.start:d.end] if p.top and has_text(p)]
    for idx, p in enumerate(d.appendices, 1):
        issues = []
        m = re.fullmatch(r"Phụ lục(?:\s+(?P<n>[IVXLC]+))?", p.text)
        if not m:
            issues.append(Issue(f"dòng '{p.text}': cần 'Phụ lục' và số La Mã, chữ in thường",
                                f"heading '{p.text}': need 'Phụ lục' + Roman numeral"))
        elif many and not m.group("n"):
            issues.append(Issue(f"dòng '{p.text}': từ hai phụ lục trở lên phải đánh số La Mã",
                                f"heading '{p.text}': several appendices need Roman numbers"))
        elif m.group("n") and roman_to_int(m.group("n")) != idx:
            issues.append(Issue(f"'{p.text}' sai thứ tự (cần {idx})", f"'{p.text}' out of order (expected {idx})"))
        issues += fmt_issues(p, size=(14, 14), bold=True, italic=False, center=True)
        i = tops.index(p) if p in tops else -1
        nxt = tops[i + 1:i + 4] if i >= 0 else []
        title = nxt[0] if nxt and not nxt[0].text.startswith("(Kèm theo") else None
        kem = next((x for x in nxt if x.text.startswith("(Kèm theo")), None)
        ctx.add("APPX-HEAD", issues, p)
        if title is not None:
            ctx.add("APPX-HEAD", fmt_issues(title, size=(13, 14), bold=True, italic=False, center=True, upper=True),
                    title)
        if kem is None:
            ctx.add("APPX-HEAD", Issue("thiếu dòng '(Kèm theo ... số ... ngày ... của ...)'",
                                       "no '(Kèm theo ...)' line"), p)
            continue
        issues = fmt_issues(kem, size=(13, 14), bold=False, italic=True, center=True)
        if not kem.text.endswith(")"):
            issues.append(Issue("dòng 'Kèm theo' phải kết thúc bằng ')'", "the 'Kèm theo' line must end with ')'"))
        dm = re.search(r"ngày\s*([\d.…]*)\s*tháng\s*([\d.…]*)\s*năm\s*([\d.…]*)", kem.text)
        if dm:
            issues += check_date(*(g.strip(".…") for g in dm.groups()))
        nm = re.search(r"số\s+(\d+/\S+)", kem.text)
        if nm and main_no and "Quyết định" not in kem.text and nm.group(1) != main_no:
            issues.append(Issue(f"số {nm.group(1)} khác số của văn bản {main_no}",
                                f"number {nm.group(1)} differs from the document's {main_no}"))
        ctx.add("APPX-HEAD", issues, kem)
