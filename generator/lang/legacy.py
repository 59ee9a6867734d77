"""Legacy Vietnamese encodings → Unicode NFC: TCVN3 (ABC, fonts ".VnTime", ".VnArial") and VNI
(fonts "VNI-Times", ...), as found in older Word files and in text pasted from them.

TCVN3 is one byte per letter; its capital letters live in separate fonts whose names end in "H"
(".VnTimeH") and reuse the lower-case codes. VNI writes a base letter followed by a mark byte.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode letters and their TCVN3 codes, position by position.
_TCVN3_UNI = ("à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ đ è é ẻ ẽ ẹ ê ề ế ể ễ ệ ì í ỉ ĩ ị ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ "
              "ơ ờ ớ ở ỡ ợ ù ú ủ ũ ụ ư ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ Ă Â Đ Ê Ô Ơ Ư").split()
_TCVN3_CODE = ("µ ¸ ¶ · ¹ ¨ » ¾ ¼ ½ Æ © Ç Ê È É Ë ® Ì Ð Î Ï Ñ ª Ò Õ Ó Ô Ö × Ý Ø Ü Þ ß ã á â ä « å è æ ç é "
               "¬ ê í ë ì î ï ó ñ ò ô \xad õ ø ö ÷ ù ú ý û ü þ ¡ ¢ § £ ¤ ¥ ¦").split(" ")
TCVN3 = dict(zip(_TCVN3_CODE, _TCVN3_UNI, strict=True))

# VNI: Unicode letter → byte sequence (lower case; capitals are derived).
_VNI_PAIRS = (
    "à aø|á aù|ả aû|ã aõ|ạ aï|ă aê|ằ aè|ắ aé|ẳ aú|ẵ aü|ặ aë|â aâ|ầ aà|ấ aá|ẩ aå|ẫ aã|ậ aä|đ ñ|"
    "è eø|é eù|ẻ eû|ẽ eõ|ẹ eï|ê eâ|ề eà|ế eá|ể eå|ễ eã|ệ eä|ì ì|í í|ỉ æ|ĩ ó|ị ò|"
    "ò oø|ó où|ỏ oû|õ oõ|ọ oï|ô oâ|ồ oà|ố oá|ổ oå|ỗ oã|ộ oä|ơ ô|ờ ôø|ớ ôù|ở ôû|ỡ ôõ|ợ ôï|"
    "ù uø|ú uù|ủ uû|ũ uõ|ụ uï|ư ö|ừ öø|ứ öù|ử öû|ữ öõ|ự öï|ỳ yø|ý yù|ỷ yû|ỹ yõ|ỵ î")
VNI: dict[str, str] = {}
for _pair in _VNI_PAIRS.split("|"):
    _uni, _seq = _pair.split(" ")
    VNI[_seq] = _uni
    _cap = _seq[0].upper() + _seq[1:].upper() if len(_seq) == 2 else _seq.upper()
    VNI.setdefault(_cap, _uni.upper())
_VNI_RE = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))


def font_encoding(font: str | None) -> str | None:
    """'tcvn3', 'tcvn3-upper' or 'vni' for a legacy font name, else None."""
    if not font:
        return None
    name = font.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3-upper" if name.endswith("h") else "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def decode(text: str, encoding: str) -> str:
    """Convert ``text`` written in a legacy ``encoding`` to Unicode NFC."""
    if encoding.startswith("tcvn3"):
        out = "".join(TCVN3.get(ch, ch) for ch in text)
        if encoding == "tcvn3-upper":
            out = out.upper()
    else:
        out = _VNI_RE.sub(lambda m: VNI[m.group()], text)
    return unicodedata.normalize("NFC", out)


_VI_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
# Letters only Unicode Vietnamese has (not Latin-1): text holding them is not legacy-encoded.
_VIET_UNICODE = re.compile(r"[ăĂđĐơƠưƯĩĨũŨ\u1ea0-\u1ef9]")
# TCVN3 codes that never occur in Vietnamese text written in Unicode.
_TCVN3_ONLY = frozenset("µ¸¶·¹¨»¾¼½Æ©ÇË®ÐÎÏÑªÖ×ØÜÞßäå«æç¬ëïñö÷øûüþ¡¢§£¤¥¦\xad")
# Of those, the ones in U+00A1..U+00BF (and the soft hyphen): VNI never writes these (its marks are
# U+00C0..U+00FF), so they tell TCVN3 from VNI.
_TCVN3_STRONG = frozenset(c for c in _TCVN3_ONLY if "\u00a1" <= c <= "\u00bf" or c == "\xad")
# VNI: a base letter followed by a Latin-1 tone/shape mark ("Coäng hoøa", "Vieät").
_VNI_PAIR = re.compile(r"[aeiouyAEIOUY][øùûõïâêäåàáãéèëüúÂÊÄÅÀÁÃÉÈËÜÚØÙÛÕÏ]|[oOuU][ôÔöÖ]|ñ(?=[aeiouy])")


def is_tcvn3(text: str) -> bool:
    """True when ``text`` (one field, one paragraph) is certainly TCVN3: TCVN3-only characters (one
    in the range VNI never uses), no letter that only Unicode Vietnamese has."""
    return (any(c in _TCVN3_STRONG for c in text) and sum(c in _TCVN3_ONLY for c in text) >= 2
            and not _VIET_UNICODE.search(text))


def is_vni(text: str) -> bool:
    """True when ``text`` (one field, one paragraph) looks like VNI: several base+mark pairs, no
    Unicode Vietnamese letter, no TCVN3-only character."""
    return (len(_VNI_PAIR.findall(text)) >= 3 and not _VIET_UNICODE.search(text)
            and not any(c in _TCVN3_STRONG for c in text))


def from_tcvn3(text: str) -> str:
    """TCVN3 text converted to Unicode (NFC)."""
    return decode(text, "tcvn3")


def guess_encoding(text: str) -> str | None:
    """'tcvn3' or 'vni' when a whole document's plain text looks written in that encoding (its
    legacy characters outnumber its Unicode Vietnamese letters), else None.

    Counts what :func:`is_tcvn3` and :func:`is_vni` look for in one field: TCVN3-only characters
    VNI never writes, and VNI base+mark pairs.
    """
    sample = text[:20000]
    uni = len(_VI_LETTERS.findall(unicodedata.normalize("NFC", sample)))
    tcvn = sum(c in _TCVN3_STRONG for c in sample)
    vni = len(_VNI_PAIR.findall(sample))
    words = max(1, len(sample.split()))
    if tcvn > uni and tcvn > words * 0.1 and tcvn >= vni:
        return "tcvn3"
    if vni > words * 0.2 and vni > tcvn and len(re.findall("[đơư]", sample)) < vni * 0.05:
        return "vni"
    return None
