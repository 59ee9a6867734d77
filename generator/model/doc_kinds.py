"""The kinds of document kh writes, as data: a document's ``kind:`` picks one row of :data:`KINDS`.

A kind says what the decree's form for it prints (Nghị định 30/2020, Phụ lục III): the type name
under the header ("TỜ TRÌNH"; none for a công văn, whose trích yếu stands under its number after
"V/v"), the abbreviation in the number ("Số: 12/TTr-SCT"), which parts it may hold, how its top-level
sections are numbered by default and which built-in template lays it out. Everything else (header,
date, bases, content, recipients, signature, appendices) is the plan's, shared by every kind.

Parts a kind may hold besides the shared ones (:data:`OPTIONAL_PARTS`):

- ``to``: the "Kính gửi:" addressees (ô 9a; Phụ lục I §II.9.b: Tờ trình, Báo cáo, Công văn);
- ``articles``: "Điều 1.", "Điều 2." … after "QUYẾT ĐỊNH:" (a Quyết định), and ``authority``,
  the issuing authority's line above its bases; ``attachment``: the Quy định, Quy chế, Điều lệ … it issues,
  printed after it with "Chương I" and "Điều 1." (Mẫu 1.3);
- ``sections``: the numbered content (I., II. or 1., 2.);
- ``unit_symbol``: the drafting unit in a công văn's number ("Số: 123/SCT-CN", Mẫu 1.5 ô 4: required);
- ``decision``, ``attached_to``: a Kế hoạch issued by (or attached to) a Quyết định (Mẫu 1.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The values ``kind:`` accepts, in the order of :data:`KINDS`.
KindName = Literal["Kế hoạch", "Quyết định", "Tờ trình", "Báo cáo", "Thông báo", "Chỉ thị", "Công văn"]
#: How top-level sections are numbered: "I.", "II." (roman) or "1.", "2." (arabic).
TopNumbering = Literal["roman", "arabic"]

#: Parts only some kinds hold (plan field names); every other field is shared by all kinds.
OPTIONAL_PARTS = ("to", "articles", "authority", "attachment", "sections", "unit_symbol", "decision",
                  "attached_to")


@dataclass(frozen=True)
class DocKind:
    """One kind of document: what its form prints and which parts it holds."""

    name: str                      # "Tờ trình": the value of ``kind:``
    english: str
    type_name: str | None          # "TỜ TRÌNH" under the header; None: a công văn (V/v under the number)
    abbr: str | None               # "TTr" in "12/TTr-SCT"; None: a công văn ("123/SCT-CN")
    form: str                      # the decree's form, "Mẫu 1.4"
    template: str                  # built-in template under templates/
    parts: frozenset[str]          # which of OPTIONAL_PARTS it may hold
    required: frozenset[str]       # which parts it must hold
    numbering: TopNumbering        # top-level sections by default

    @property
    def is_letter(self) -> bool:
        """A công văn: no type name; "V/v …" under the number."""
        return self.type_name is None


KINDS: dict[str, DocKind] = {k.name: k for k in (
    DocKind("Kế hoạch", "plan", "KẾ HOẠCH", "KH", "Mẫu 1.4", "kehoach.docx",
            frozenset({"sections", "decision", "attached_to"}), frozenset({"sections"}), "roman"),
    DocKind("Quyết định", "decision", "QUYẾT ĐỊNH", "QĐ", "Mẫu 1.2", "quyetdinh-cabiet.docx",
            frozenset({"articles", "authority", "attachment"}), frozenset({"articles"}), "roman"),
    DocKind("Tờ trình", "submission", "TỜ TRÌNH", "TTr", "Mẫu 1.4", "vanban.docx",
            frozenset({"to", "sections"}), frozenset(), "roman"),
    DocKind("Báo cáo", "report", "BÁO CÁO", "BC", "Mẫu 1.4", "vanban.docx",
            frozenset({"to", "sections"}), frozenset(), "roman"),
    DocKind("Thông báo", "notice", "THÔNG BÁO", "TB", "Mẫu 1.4", "vanban.docx",
            frozenset({"sections"}), frozenset(), "arabic"),
    DocKind("Chỉ thị", "directive", "CHỈ THỊ", "CT", "Mẫu 1.4", "vanban.docx",
            frozenset({"sections"}), frozenset(), "arabic"),
    DocKind("Công văn", "official letter", None, None, "Mẫu 1.5", "congvan.docx",
            frozenset({"to", "sections", "unit_symbol"}), frozenset({"to", "unit_symbol"}), "arabic"),
)}

#: The template of a Quyết định printing the document it issues after it (Mẫu 1.3 and its attached form).
ATTACHMENT_TEMPLATE = "quyetdinh-kemtheo.docx"

#: The kind of a document that does not say (every plan written before kinds existed).
DEFAULT_KIND = "Kế hoạch"


def doc_kind(name: str | None) -> DocKind:
    """The kind named ``name`` (None: a Kế hoạch)."""
    return KINDS[name or DEFAULT_KIND]


def kinds_with(part: str) -> list[str]:
    """Names of the kinds that may hold ``part``."""
    return [k.name for k in KINDS.values() if part in k.parts]


def number_symbol(kind: DocKind, org_symbol: str, unit_symbol: str | None = None) -> str:
    """The symbol after the number: "TTr-SCT"; a công văn's "SCT-CN" (or "SCT" without a unit)."""
    if kind.abbr is None:
        return f"{org_symbol}-{unit_symbol}" if unit_symbol else org_symbol
    return f"{kind.abbr}-{org_symbol}"
