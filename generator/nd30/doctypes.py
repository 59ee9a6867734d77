"""Type names of administrative documents (Điều 7) and their abbreviations (Phụ lục III, Mục I)."""

from __future__ import annotations

#: Type name (IN HOA, as printed under the header) → abbreviation in the symbol; None: no abbreviation.
TYPE_ABBR: dict[str, str | None] = {
    "NGHỊ QUYẾT": "NQ", "QUYẾT ĐỊNH": "QĐ", "CHỈ THỊ": "CT", "QUY CHẾ": "QC", "QUY ĐỊNH": "QyĐ",
    "THÔNG CÁO": "TC", "THÔNG BÁO": "TB", "HƯỚNG DẪN": "HD", "CHƯƠNG TRÌNH": "CTr", "KẾ HOẠCH": "KH",
    "PHƯƠNG ÁN": "PA", "ĐỀ ÁN": "ĐA", "DỰ ÁN": "DA", "BÁO CÁO": "BC", "BIÊN BẢN": "BB", "TỜ TRÌNH": "TTr",
    "HỢP ĐỒNG": "HĐ", "CÔNG ĐIỆN": "CĐ", "BẢN GHI NHỚ": "BGN", "BẢN THỎA THUẬN": "BTT", "GIẤY ỦY QUYỀN": "GUQ",
    "GIẤY MỜI": "GM", "GIẤY GIỚI THIỆU": "GGT", "GIẤY NGHỈ PHÉP": "GNP", "PHIẾU GỬI": "PG", "PHIẾU CHUYỂN": "PC",
    "PHIẾU BÁO": "PB", "THƯ CÔNG": None,
}
#: Spellings with the old tone placement, read as the canonical ones.
_VARIANTS = {"BẢN THOẢ THUẬN": "BẢN THỎA THUẬN", "GIẤY UỶ QUYỀN": "GIẤY ỦY QUYỀN"}
#: Abbreviations written in mixed case by Phụ lục III itself.
MIXED_ABBR = frozenset({"QyĐ", "CTr", "TTr", "TrS"})

#: Kind code (see .rules.KINDS) of the types kh tells apart; any other named type is "khác".
_KIND_OF_TYPE = {"KẾ HOẠCH": "KH", "QUYẾT ĐỊNH": "QĐ", "TỜ TRÌNH": "TTr", "BÁO CÁO": "BC", "THÔNG BÁO": "TB",
                 "CHỈ THỊ": "CT"}
_KIND_OF_ABBR = {"KH": "KH", "QĐ": "QĐ", "TTr": "TTr", "BC": "BC", "TB": "TB", "CT": "CT"}


def type_name(text: str) -> str | None:
    """The canonical type name if ``text`` (as shown) is one, else None."""
    key = " ".join(text.upper().replace(":", " ").split())
    key = _VARIANTS.get(key, key)
    return key if key in TYPE_ABBR else None


def kind_of_type(name: str) -> str:
    return _KIND_OF_TYPE.get(name, "khác")


def kind_of_abbr(abbr: str) -> str | None:
    """Kind from the type part of a symbol ("KH" in "118/KH-UBND"); None when it names no type."""
    if abbr in _KIND_OF_ABBR:
        return _KIND_OF_ABBR[abbr]
    return "khác" if abbr in {a for a in TYPE_ABBR.values() if a} else None
