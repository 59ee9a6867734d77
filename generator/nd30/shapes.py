"""Horizontal lines drawn as shapes: DrawingML ``line``/``straightConnector1`` (anchored or inline)
and VML ``v:line`` or straight connectors, with their size and position as Word stores them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..ooxml.names import q
from .geometry import EMU_PER_PT
from .styles import to_int

_ANCHOR, _INLINE, _VSHAPE = q("wp:anchor"), q("wp:inline"), q("v:shape")


@dataclass(frozen=True, slots=True)
class ShapeLine:
    """A straight horizontal line: its length and where it is placed (points, from its references)."""

    kind: str                   # "inline" (in the text line) | "shape" (placed)
    length: float | None
    x: float | None = None
    rel_h: str = "column"
    y: float | None = None
    rel_v: str = "paragraph"


_VML_LEN = re.compile(r"\s*(-?[\d.]+)\s*(pt|in|cm|mm|px|pc)?")
_VML_UNITS = {"pt": 1.0, "in": 72.0, "cm": 28.3465, "mm": 2.83465, "px": 0.75, "pc": 12.0, None: 0.75}


def _vml_len(text: str | None) -> float | None:
    m = _VML_LEN.match(text or "")
    if not m:
        return None
    try:
        return float(m.group(1)) * _VML_UNITS.get(m.group(2), 1.0)
    except ValueError:
        return None


def _vml_style(el: Any) -> dict[str, str]:
    out = {}
    for item in (el.get("style") or "").split(";"):
        if ":" in item:
            k, v = item.split(":", 1)
            out[k.strip().lower()] = v.strip()
    return out


_VML_REL = {"text": "column", "char": "character", "margin": "margin", "page": "page", "line": "line"}


def line_shape(el: Any) -> ShapeLine | None:
    """A horizontal straight line drawn by a DrawingML anchor/inline or a VML line/connector, else None."""
    if el.tag in (_ANCHOR, _INLINE):
        geom = next(el.iter(q("a:prstGeom")), None)
        ext = el.find(q("wp:extent"))
        if geom is None or geom.get("prst") not in ("line", "straightConnector1") or ext is None:
            return None
        cx, cy = to_int(ext.get("cx"), 0) or 0, to_int(ext.get("cy"), 0) or 0
        if cx < 4 * cy or cx <= 0:
            return None
        length = cx / EMU_PER_PT
        if el.tag == _INLINE:
            return ShapeLine("inline", length)
        pos_h, pos_v = el.find(q("wp:positionH")), el.find(q("wp:positionV"))
        x = y = None
        rel_h = rel_v = "column"
        if pos_h is not None:
            rel_h = pos_h.get("relativeFrom") or "column"
            off = pos_h.find(q("wp:posOffset"))
            align = pos_h.find(q("wp:align"))
            if off is not None and off.text:
                x = (to_int(off.text, 0) or 0) / EMU_PER_PT
            elif align is not None and (align.text or "") == "center":
                x = float("nan")      # centred on the reference: resolved by .lines
        rel_v = "paragraph"
        if pos_v is not None:
            rel_v = pos_v.get("relativeFrom") or "paragraph"
            off = pos_v.find(q("wp:posOffset"))
            if off is not None and off.text:
                y = (to_int(off.text, 0) or 0) / EMU_PER_PT
        return ShapeLine("shape", length, x, rel_h, y, rel_v)
    style = _vml_style(el)
    if el.tag == _VSHAPE:
        kind = (el.get("type") or "").lstrip("#")
        if kind != "_x0000_t32" and el.get(q("o:connectortype")) is None:
            return None
        width, height = _vml_len(style.get("width")), _vml_len(style.get("height")) or 0.0
        if not width or width < 4 * abs(height):
            return None
        x, y, length = _vml_len(style.get("margin-left")), _vml_len(style.get("margin-top")), width
    else:
        try:
            (x1, y1), (x2, y2) = [(_vml_len(v) or 0.0, _vml_len((c.split(",") + ["0"])[1]) or 0.0)
                                  for c in (el.get("from") or "0,0", el.get("to") or "0,0")
                                  for v in [c.split(",")[0]]]
        except (ValueError, IndexError):
            return ShapeLine("shape", None)
        if abs(x2 - x1) < 4 * abs(y2 - y1):
            return None
        x, y, length = min(x1, x2), min(y1, y2), abs(x2 - x1)
    rel_h = _VML_REL.get(style.get("mso-position-horizontal-relative", "text"), "column")
    rel_v = {"text": "paragraph"}.get(style.get("mso-position-vertical-relative", "text"),
                                      style.get("mso-position-vertical-relative", "paragraph"))
    return ShapeLine("shape", length, x, rel_h, y, rel_v)
