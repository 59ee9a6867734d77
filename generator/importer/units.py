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
    if ";" in text:        # "Sở Công Thương; Sở Xây dựng": one name per clause
        return [u for clause in text.split(";") for u in split_units(clause)]
    parts = [p.strip() for p in text.split(", ")]
    out: list[str] = []
    for part in parts:
        if out and not _START.match(part):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return [p.rstrip(",; ") for p in out if p.rstrip(",; ")]


#: Names shortened the way offices write them, in a unit's key.
_KEY_ABBREVIATIONS = (("uy-ban-nhan-dan", "ubnd"), ("hoi-dong-nhan-dan", "hdnd"), ("mat-tran-to-quoc", "mttq"),
                      ("viet-nam", "vn"), ("thanh-pho", "tp"), ("cai-cach-hanh-chinh", "cchc"),
                      ("van-hoa-va-thong-tin", "vhtt"), ("khoa-hoc-va-cong-nghe", "khcn"))
#: Most syllables a key keeps.
KEY_SYLLABLES = 6


def slug(text: str, words: int = KEY_SYLLABLES) -> str:
    """ASCII key, readable and never cut inside a phrase: "Phòng Nội vụ quận" → "phong-noi-vu-quan",
    "Phòng Tài chính - Kế hoạch" → "phong-tai-chinh-ke-hoach"; a longer name stops at its last phrase
    boundary (" - ", ",", "và", a parenthesis) that fits, usual names shortened ("ubnd", "mttq")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    phrases = [re.findall(r"[a-z0-9]+", part) for part in re.split(r"\s[-–]\s|[,;(]|\bva\b", text)]
    joined = "-".join("-".join(p) for p in phrases if p)
    for long, short in _KEY_ABBREVIATIONS:
        joined = re.sub(rf"(?<![a-z0-9]){long}(?![a-z0-9])", short, joined)
    tokens = [t for t in joined.split("-") if t]
    if len(tokens) <= words:
        return "-".join(tokens) or "x"
    out: list[str] = []
    for phrase in phrases:          # whole phrases while they fit
        piece = "-".join(phrase)
        for long, short in _KEY_ABBREVIATIONS:
            piece = re.sub(rf"(?<![a-z0-9]){long}(?![a-z0-9])", short, piece)
        part = [t for t in piece.split("-") if t]
        if out and len(out) + len(part) > words:
            break
        out += part
    return "-".join(out[:words]) or "x"     # a first phrase longer than a key: cut between words


def unique_key(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key
