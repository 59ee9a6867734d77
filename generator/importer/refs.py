"""Cited documents: "Căn cứ Kế hoạch số 1895/KH-UBND ngày 26 tháng 3 năm 2024 của ... về ..." →
a structured basis when kh would write exactly the same words back, else the words verbatim."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

LEADS = ("Căn cứ", "Thực hiện", "Theo đề nghị của", "Xét đề nghị của")
_LEAD_RE = re.compile(r"^(Căn cứ|Thực hiện|Theo đề nghị của|Xét đề nghị của)\s+", re.I)
_DATE_WORDS = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
_DATE_SHORT = r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})"
_REF = re.compile(
    r"^(?P<kind>[A-ZĐÂ][^\d]{1,40}?)\s+số\s+(?P<number>\S+)\s+"
    rf"(?:{_DATE_WORDS}|{_DATE_SHORT})"
    r"(?:\s+của\s+(?P<issuer>.+?))?(?:\s+(?P<about>về việc|về)\s+(?P<subject>.+))?$", re.S)


_LAW = re.compile(r"^(Luật|Bộ luật|Pháp lệnh|Hiến pháp)\s+(.+?)\s+"
                  r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})$")


def _date(m: re.Match[str]) -> dt.date | None:
    groups = [g for g in m.groups()[2:8] if g is not None][:3]
    try:
        return dt.date(int(groups[2]), int(groups[1]), int(groups[0]))
    except (ValueError, IndexError):
        return None


def parse_ref(text: str) -> dict[str, Any] | None:
    """kind/number/date/issuer/about/subject of a cited document, or None when it does not fit."""
    m = _REF.match(text.strip())
    if not m:
        return None
    date = _date(m)
    if date is None:
        return None
    ref: dict[str, Any] = {"kind": m.group("kind").strip(), "number": m.group("number").strip(" ,;"), "date": date}
    if m.group("issuer"):
        ref["issuer"] = m.group("issuer").strip()
        verb = _ISSUER_VERB.search(ref["issuer"])
        if verb and not m.group("subject"):   # "của Chính phủ quy định chi tiết …": no "về"
            ref["issuer"], ref["about"], ref["subject"] = ref["issuer"][:verb.start()].strip(), "", \
                ref["issuer"][verb.start():].strip()
    if m.group("subject"):
        if m.group("about") == "về việc":
            ref["about"] = "về việc"
        ref["subject"] = m.group("subject").strip()
    return ref


#: Words that end an issuer's name and open what the cited document does.
_ISSUER_VERB = re.compile(r"\s(?=(?:quy định|phê duyệt|ban hành|hướng dẫn|sửa đổi|bổ sung|thực hiện|triển khai|"
                          r"thành lập|giao|công bố|phân cấp|ủy quyền)\b)")
#: A second cited document in the same basis ("…; Nghị định số 146/2025/NĐ-CP …"): the basis is kept as written.
_SECOND_REF = re.compile(r"[;,]\s+(?:và\s+)?(?:Luật|Nghị định|Nghị quyết|Quyết định|Thông tư|Chỉ thị|Kế hoạch|"
                         r"Công văn|Văn bản|Hướng dẫn|Thông báo)\s+(?:số\s+)?\S*\d")


def short_dates_to_words(text: str) -> str:
    """"ngày 24/01/2025" → "ngày 24 tháng 01 năm 2025" (the decree's wording)."""
    from ..lang.datewords import date_words

    def repl(m: re.Match[str]) -> str:
        try:
            return date_words(dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        except ValueError:
            return m.group()

    return re.sub(_DATE_SHORT, repl, text)


def parse_basis(text: str) -> tuple[dict[str, Any], str]:
    """A basis paragraph (punctuation at the end ignored) → (basis data, how: structured|text|normalised)."""
    body = re.sub(r"[\s;.,]+$", "", text.strip())
    m = _LEAD_RE.match(body)
    lead = "Căn cứ"
    rest = body
    if m:
        lead = next(x for x in LEADS if x.lower() == m.group(1).lower())
        rest = body[m.end():]
    if lead == "Xét đề nghị của":
        return {"text": body}, "text"
    ref = parse_ref(rest) if not _SECOND_REF.search(rest) else None
    if ref is not None:
        data = ({"lead": lead} if lead != "Căn cứ" else {}) | ref
        wanted = f"{lead} {rest}"
        printed = re.search(r"ngày\s+(\d{1,2}/\d{1,2}/\d{4})\b", rest)
        if printed:   # "ngày 24/01/2025": kept as printed
            candidate = data | {"date": printed.group(1)}
            if _written(candidate) == wanted:
                return candidate, "structured"
        written = _written(data)
        if written == wanted:
            return data, "structured"
        if written is not None and written == short_dates_to_words(wanted):
            return data, "normalised"
    law = _LAW.match(rest)
    if law:   # "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015": no number, no issuer
        try:
            date = dt.date(int(law.group(5)), int(law.group(4)), int(law.group(3)))
        except ValueError:
            date = None
        data = ({"lead": lead} if lead != "Căn cứ" else {}) | {"kind": law.group(1), "subject": law.group(2),
                                                                "date": date}
        if date is not None and _written(data) == f"{lead} {rest}":
            return data, "structured"
    if lead == "Căn cứ":
        return {"text": rest}, "text"
    return {"lead": lead, "text": rest}, "text"


def _written(data: dict[str, Any]) -> str | None:
    """What kh writes for this basis, or None when the model refuses it."""
    from ..layout.blocks import basis_text
    from ..model.plan import Basis

    try:
        return basis_text(Basis.model_validate(data))
    except ValueError:
        return None


def is_basis(text: str) -> bool:
    return bool(_LEAD_RE.match(text.strip()))


_INTRO_SPLIT = re.compile(
    r"^(?P<basis>(?:Căn cứ|Thực hiện)\s.+?)[,;]\s+"
    r"(?P<intro>(?:[A-ZĐÂỦ][^,;]*?)\s(?:ban hành|xây dựng|triển khai)\s.+:)$",
    re.S)


def split_basis_intro(text: str) -> tuple[str, str, str] | None:
    """"Căn cứ ...; Ủy ban nhân dân quận ban hành Kế hoạch ... như sau:" → (basis, separator, intro)."""
    m = _INTRO_SPLIT.match(text.strip())
    if not m:
        return None
    intro = m.group("intro")
    sep = text.strip()[m.end("basis")]
    return m.group("basis"), sep, intro[:1].upper() + intro[1:]
