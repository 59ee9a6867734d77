"""The components of a document (Phụ lục I, Mục IV: ô số 1-9), recognised by where they stand.

A Word file may hold more than one document: a Quyết định and the plan it issues (Mẫu 1.3) each
start with their own header block. The body is cut at each further Quốc hiệu that is not inside an
appendix, and each piece is recognised alone:

- header: the Quốc hiệu (found by its words, either spelling of "HÒA"), the motto under it in the same
  column, the agency name in the columns to its left above "Số", the date line in the header;
- title block: the first text after the header if it is a type name (or an IN HOA bold line), the
  trích yếu under it down to its line, a "(Kèm theo ...)" line; a Quyết định's authority line;
- content: from there to the closing block; "Kính gửi" and the căn cứ block at its start;
- closing: "Nơi nhận", the signature block right of it (or found by its IN HOA bold title lines);
- appendices: short "Phụ lục ..." headings after the title block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .doctypes import kind_of_abbr, kind_of_type, type_name
from .facts import Facts, Para, Table

_QH_KEY = "CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM"
_SO = re.compile(r"^S[ốố]\s*[:.]?\s*(?=[0-9.…_/ ]|$)|^Số\b", re.I)
_SYMBOL = re.compile(r"^[0-9.…_\s]*/\s*[A-ZĐ][\wĐ]*-[A-ZĐ]")
_DATE = re.compile(r"ngày\b.*\btháng\b.*\bnăm\b|,\s*ngày\b", re.I)
_VV = re.compile(r"^(V/v|Về việc)\b", re.I)
_LINE_ONLY = re.compile(r"[_\-–—*.…]+")
_APPX = re.compile(r"^ph[uụ]\s*l[uụ]c\b", re.I)
_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q|T/M|K/T|T/L)[./ ]")
_CONTENT_START = re.compile(r"^(I\.\s|1\.\s|Điều 1\b|QUYẾT ĐỊNH\s*:)")


def is_qh(p: Para) -> bool:
    key = re.sub(r"\s+", "", p.shown.upper()).replace("HOÀ", "HÒA")
    return key == _QH_KEY


def is_upper(p: Para) -> bool:
    return p.shown == p.shown.upper() and bool(re.search(r"[A-ZÀ-ỸĐ]", p.shown))


def has_text(p: Para) -> bool:
    return bool(p.text) and not _LINE_ONLY.fullmatch(p.text)


@dataclass
class Parts:
    """The recognised components of one document in the file."""

    start: int                              # body order of its first paragraph
    end: int                                # body order after its last paragraph
    qh: Para | None = None
    tn: Para | None = None
    header_table: Table | None = None
    scope: list[Para] = field(default_factory=list)
    parent: list[Para] = field(default_factory=list)
    issuing: list[Para] = field(default_factory=list)
    so: Para | None = None
    date: Para | None = None
    vv: list[Para] = field(default_factory=list)
    header_end: int = -1
    title: Para | None = None
    type_name: str | None = None
    trichyeu: list[Para] = field(default_factory=list)
    kemtheo: Para | None = None
    authority: Para | None = None
    title_end: int = -1
    kinhgui: list[Para] = field(default_factory=list)
    cancu: list[Para] = field(default_factory=list)
    body: list[Para] = field(default_factory=list)
    noinhan: Para | None = None
    sign: list[Para] = field(default_factory=list)
    appendices: list[Para] = field(default_factory=list)
    kind: str | None = None
    attached: bool = False

    @property
    def agency(self) -> list[Para]:
        return [*self.parent, *self.issuing]

    @property
    def symbol(self) -> tuple[str, str] | None:
        """(number, symbol) of the Số line: ("118", "KH-UBND"); None if it does not read so."""
        if self.so is None:
            return None
        m = re.match(r"^Số\s*:?\s*(?P<num>[0-9]*|[.…_]*)\s*/\s*(?P<sym>\S+)$", self.so.text, re.I)
        return (m.group("num"), m.group("sym")) if m else None


def recognise(facts: Facts) -> list[Parts]:
    """The documents of the file, each with its components (at least one, possibly empty)."""
    body = facts.body
    starts = [0]
    seen_appendix = False
    first_qh = next((p for p in body if is_qh(p)), None)
    for p in body:
        if p is first_qh or not is_qh(p):
            if p.top and _APPX.match(p.text) and len(p.text) <= 30:
                seen_appendix = True
            continue
        if seen_appendix:
            continue
        start = _block_start(facts, p)
        if start > starts[-1]:
            starts.append(start)
    bounds = [*starts, len(body)]
    out = []
    for i in range(len(starts)):
        parts = Parts(bounds[i], bounds[i + 1])
        _recognise(facts, parts, first=i == 0)
        out.append(parts)
    return out


def _block_start(facts: Facts, p: Para) -> int:
    if p.cell is not None:
        t = p.cell.table
        return min(c.paras[0].order for c in t.cells if c.paras) if t.cells else p.order
    return p.order


def _recognise(facts: Facts, parts: Parts, first: bool) -> None:
    seg = facts.body[parts.start:parts.end]
    _header(facts, parts, seg, first)
    rest = [p for p in seg if p.top and p.order > parts.header_end]
    _title(parts, rest)
    _closing(facts, parts, seg)
    _content(parts, seg)
    _kind(parts)


# ---------------------------------------------------------------------- header
def _header(facts: Facts, parts: Parts, seg: list[Para], first: bool) -> None:
    qh = next((p for p in seg if is_qh(p)), None)
    if qh is None and first:
        qh = next((p for p in facts.textboxes if is_qh(p)), None)
    parts.qh = qh
    if qh is None:
        return
    if qh.story == "body" and qh.cell is not None:
        table = qh.cell.table
        parts.header_table = table
        scope = [p for p in seg if p.table is table]
        col = qh.cell.col
        after = [p for p in scope if p.order > qh.order and p.cell is not None and p.cell.col == col]
        parts.tn = next((p for p in after if has_text(p)), None)
        left = [p for p in scope if p.cell is not None and p.cell.col < col]
        right = [p for p in scope if p.cell is not None and p.cell.col >= col]
    elif qh.story == "textbox":
        seq = facts.textboxes
        i = seq.index(qh)
        parts.tn = next((p for p in seq[i + 1:i + 4] if has_text(p)), None)
        scope = [p for p in seq if p is not qh and p is not parts.tn] + [p for p in seg if p.top][:12]
        left = [p for p in scope if p.order < qh.order or p.story == "body"]
        right = []
    else:
        tops = [p for p in seg if p.top]
        i = tops.index(qh)
        parts.tn = next((p for p in tops[i + 1:i + 4] if has_text(p)), None)
        scope = tops[:i + 8]
        left = [p for p in scope if p is not qh and p is not parts.tn]
        right = left
    parts.scope = scope
    parts.so = next((p for p in left if _SO.match(p.text)), None) or \
        next((p for p in left if _SYMBOL.match(p.text)), None)
    parts.date = next((p for p in right if p is not qh and _DATE.search(p.text)), None) or \
        next((p for p in scope if p is not qh and _DATE.search(p.text) and p is not parts.so), None)
    if parts.so is not None:
        below = [p for p in left if p.order > parts.so.order]
        for p in below:
            if not has_text(p):
                if parts.vv:
                    break
                continue
            if parts.vv or _VV.match(p.text):
                parts.vv.append(p)
            else:
                break
    stop = parts.so.order if parts.so is not None else (parts.vv[0].order if parts.vv else None)
    agency = [p for p in left if has_text(p) and p not in parts.vv and p is not parts.so and p is not parts.date
              and (stop is None or p.order < stop) and p is not parts.tn]
    if qh.cell is None:   # no table: only IN HOA lines above the title can be the agency
        agency = [p for p in agency if is_upper(p) and not _DATE.search(p.text)][:3]
    for p in agency:
        if not parts.issuing and not p.any_bold():
            parts.parent.append(p)
        else:
            parts.issuing.append(p)
    marks = [p.order for p in (qh, parts.tn, parts.so, parts.date, *agency, *parts.vv)
             if p is not None and p.story == "body"]
    if parts.header_table is not None:
        marks += [p.order for p in scope]
    parts.header_end = max(marks) if marks else parts.start - 1


# ---------------------------------------------------------------------- title block
def _title(parts: Parts, rest: list[Para]) -> None:
    texts = [p for p in rest if has_text(p)]
    parts.title_end = parts.header_end
    if not texts:
        return
    cand = texts[0]
    name = type_name(cand.shown)
    looks = is_upper(cand) and len(cand.text) <= 40 and (cand.all_bold() or cand.centered) \
        and not cand.text.startswith(("Kính gửi", "KÍNH GỬI"))
    if name is None and (parts.vv or not looks):
        return
    parts.title, parts.type_name = cand, name
    parts.title_end = cand.order
    i = rest.index(cand)
    model: Para | None = None
    for p in rest[i + 1:]:
        if not has_text(p):
            if parts.trichyeu or p.under:
                if p.under and not parts.trichyeu:
                    continue
                break
            continue
        if re.match(r"^\((Ban hành )?[Kk]èm theo\b", p.text):
            parts.kemtheo = p
            parts.title_end = p.order
            break
        if model is None:
            if not (p.centered or p.any_bold()) or re.match(r"^(Căn cứ|Kính gửi)", p.text):
                break
            model = p
        elif (p.centered != model.centered or p.any_bold() != model.any_bold() or len(parts.trichyeu) >= 4):
            break
        if name == "QUYẾT ĐỊNH" and parts.trichyeu and is_upper(p):
            parts.authority = p
            parts.title_end = p.order
            break
        parts.trichyeu.append(p)
        parts.title_end = p.order
        if p.under:
            break
    if parts.kemtheo is None and parts.trichyeu:   # "(Kèm theo ...)" may follow the line
        for p in rest[rest.index(parts.trichyeu[-1]) + 1:]:
            if has_text(p):
                if re.match(r"^\((Ban hành )?[Kk]èm theo\b", p.text):
                    parts.kemtheo = p
                    parts.title_end = p.order
                elif name == "QUYẾT ĐỊNH" and is_upper(p) and p.centered and parts.authority is None:
                    parts.authority = p
                    parts.title_end = p.order
                break
    parts.attached = bool(parts.kemtheo is not None and "Quyết định" in parts.kemtheo.text
                          and (parts.so is None or parts.date is None))


# ---------------------------------------------------------------------- closing
def _closing(facts: Facts, parts: Parts, seg: list[Para]) -> None:
    after = [p for p in seg if p.order > parts.title_end]
    parts.appendices = [p for p in after if p.top and _APPX.match(p.text) and len(p.text) <= 30
                        and (p.centered or p.all_bold())]
    end = parts.appendices[0].order if parts.appendices else parts.end
    parts.noinhan = next((p for p in after if p.order < end and re.match(r"^Nơi nhận", p.text, re.I)), None)
    parts.sign = _signature(parts, [p for p in after if p.order < end and has_text(p)])


def _signature(parts: Parts, cands: list[Para]) -> list[Para]:
    ni = parts.noinhan
    if ni is not None and ni.cell is not None:
        found = [p for p in cands if p.cell is not None and p.cell.table is ni.cell.table
                 and p.cell.row == ni.cell.row and p.cell.col > ni.cell.col]
        if found:
            return found
    for i, p in enumerate(cands):
        if _PREFIX.match(p.text) and p.all_bold():
            block = [p]
            for x in cands[i + 1:i + 8]:
                if (p.cell is not None and (x.cell is None or x.cell.table is not p.cell.table)) or x is ni \
                        or x.text.startswith("Nơi nhận"):
                    break
                block.append(x)
                if x.all_bold() and not is_upper(x):
                    break
            return block
    for i in range(len(cands) - 1, 0, -1):   # no prefix: a bold name line under IN HOA bold title lines
        x = cands[i]
        # a numbered heading ("II. TỔ CHỨC THỰC HIỆN" over "1. Phòng Nội vụ") is content, not a signer:
        # an attached plan has no signature of its own and must not lose its last part to this guess
        if _LABELLED.match(x.text) or (i and _LABELLED.match(cands[i - 1].text)):
            continue
        if x.all_bold() and not is_upper(x) and len(x.text) <= 40 and x is not ni:
            block = [x]
            for y in reversed(cands[max(0, i - 6):i]):
                if y.all_bold() and is_upper(y):
                    block.insert(0, y)
                elif block[0].all_bold() and is_upper(block[0]):
                    break
                elif y.text.startswith("(") or not y.any_bold():
                    block.insert(0, y)
                else:
                    break
            if is_upper(block[0]) and block[0].all_bold():
                return block
            break
    return []



#: A paragraph that starts with a section label ("II.", "1.", "2.1.", "a)", "Điều 3.", "Chương II"): a heading
#: of the content.
_LABELLED = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.|[a-zđ]\)|(?:Điều|Chương|Mục)\s+[\dIVXLC]+\.?)(?:\s|$)")

# ---------------------------------------------------------------------- content
def _content(parts: Parts, seg: list[Para]) -> None:
    ends = [parts.end]
    if parts.appendices:
        ends.append(parts.appendices[0].order)
    for p in ([parts.noinhan] if parts.noinhan is not None else []) + parts.sign:
        ends.append(_block_start_of(seg, p))
    body_end = min(ends)
    body = [p for p in seg if p.top and parts.title_end < p.order < body_end]
    while body and (not has_text(body[0])):
        body.pop(0)
    texts = [p for p in body if has_text(p)]
    if texts and re.match(r"^Kính gửi", texts[0].text, re.I):   # ô 9a
        kg = [texts[0]]
        if not texts[0].text.split(":", 1)[-1].strip() or texts[0].text.rstrip().endswith(":"):
            for p in texts[1:]:
                if p.text.startswith(("-", "–")):
                    kg.append(p)
                else:
                    break
        parts.kinhgui = kg
        body = [p for p in body if p not in kg]
        while body and not has_text(body[0]):
            body.pop(0)
    parts.body = body
    texts = [p for p in body if has_text(p)]
    stop = next((i for i, p in enumerate(texts) if _CONTENT_START.match(p.shown)), len(texts))
    first = next((i for i, p in enumerate(texts[:stop]) if p.text.startswith("Căn cứ")), None)
    if first is not None:
        block = [texts[first]]
        for p in texts[first + 1:]:
            if not (p.all_italic() or re.match(r"^(Căn cứ|Theo đề nghị|Xét đề nghị)", p.text)) or p.centered:
                break
            block.append(p)
        parts.cancu = block


def _block_start_of(seg: list[Para], p: Para) -> int:
    if p.cell is None:
        return p.order
    table = p.cell.table
    return min(x.order for x in seg if x.table is table)


def _kind(parts: Parts) -> None:
    if parts.type_name is not None:
        parts.kind = kind_of_type(parts.type_name)
    elif parts.vv:
        parts.kind = "CV"
    elif parts.title is not None:
        parts.kind = "khác"
    else:
        sym = parts.symbol
        if sym is not None:
            abbr = sym[1].split("-")[0]
            parts.kind = kind_of_abbr(abbr) or "CV"
