"""Names of bodies (units) in assignment headings and task tables, and short keys for them."""

from __future__ import annotations

import re
import unicodedata

UNIT_START = (
    "Phòng", "Sở", "Ban", "Văn phòng", "VP", "Ủy ban", "UBND", "UB", "Trung tâm", "Thủ trưởng", "Chủ tịch",
    "Giám đốc", "Các", "các", "Công an", "Bảo hiểm", "Chi cục", "Chi nhánh", "Đài", "Báo", "Hội", "Đoàn",
    "Liên đoàn", "Quận ủy", "Thành ủy", "Huyện ủy", "Đảng ủy", "Mặt trận", "Tổ", "Bản tin", "Hội đồng", "Cục",
    "Tổng cục", "Bộ", "Viện", "Trường", "Bệnh viện", "Kho bạc", "Thành viên", "Đội", "Ngân hàng", "Lãnh đạo",
    "Người đứng đầu", "Cơ quan", "Công ty", "Tòa án", "Thanh tra", "Chánh", "Trưởng", "Hiệu trưởng",
    "Khối", "Liên minh", "Cục trưởng", "Tỉnh ủy", "Đảng đoàn", "Ban Chỉ đạo", "Cổng", "Công chức", "Cán bộ",
    "Bộ phận",
)
REQUEST_WORDS = ("Kính đề nghị", "Đề nghị")
_START = re.compile(r"^(?:" + "|".join(re.escape(w) for w in sorted(UNIT_START, key=len, reverse=True)) + r")\b")


def looks_like_unit(text: str) -> bool:
    """A heading that names one or more bodies: "Phòng Nội vụ quận", "Kính đề nghị Ban Tuyên giáo ..."."""
    text = text.strip().removesuffix(":")
    body, _ = split_request(text)
    return bool(_START.match(body)) and not re.search(r"[.;:!?]$", text) and len(body.split()) <= 40


def split_request(text: str) -> tuple[str, str | None]:
    """"Kính đề nghị Ban X" → ("Ban X", "Kính đề nghị")."""
    for word in REQUEST_WORDS:
        if text.startswith(word + " "):
            return text[len(word) + 1:].strip(), word
    return text, None


def split_units(text: str) -> list[str]:
    """"Văn phòng HĐND và UBND quận, UBND 10 phường" → two names; a comma inside a name stays."""
    parts = [p.strip() for p in text.split(", ")]
    out: list[str] = []
    for part in parts:
        if out and not _START.match(part):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return [p.rstrip(",; ") for p in out if p.rstrip(",; ")]


def slug(text: str, words: int = 4) -> str:
    """ASCII key: "Phòng Nội vụ quận" → "phong-noi-vu-quan"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    tokens = re.findall(r"[a-z0-9]+", text)
    return "-".join(tokens[:words]) or "x"


def unique_key(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key
