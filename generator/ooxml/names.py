"""OOXML namespaces and qualified tag names used when reading a user's Word document."""

from __future__ import annotations

NS: dict[str, str] = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
}

#: Relationship types (the part after the last "/" is enough to tell them apart).
REL_OFFICE_DOCUMENT = "officeDocument"
REL_STYLES = "styles"
REL_NUMBERING = "numbering"
REL_SETTINGS = "settings"
REL_THEME = "theme"
REL_HEADER = "header"
REL_FOOTER = "footer"
REL_FOOTNOTES = "footnotes"
REL_EXTENDED = "extended-properties"


def q(tag: str) -> str:
    """``"w:p"`` → ``"{http://...wordprocessingml/2006/main}p"``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


W = NS["w"]


def w(local: str) -> str:
    """Qualified name in the WordprocessingML namespace: ``w("p")``."""
    return f"{{{W}}}{local}"


# The tags every walk over a document body needs, qualified once.
P, R, T, TAB, BR, CR = w("p"), w("r"), w("t"), w("tab"), w("br"), w("cr")
TBL, TR, TC = w("tbl"), w("tr"), w("tc")
PPR, RPR, VAL = w("pPr"), w("rPr"), w("val")
SDT, SDT_CONTENT, CUSTOM_XML, SMART_TAG = w("sdt"), w("sdtContent"), w("customXml"), w("smartTag")
HYPERLINK, INS, FLD_SIMPLE = w("hyperlink"), w("ins"), w("fldSimple")
TXBX_CONTENT = w("txbxContent")
SECT_PR = w("sectPr")
MC_FALLBACK = q("mc:Fallback")
