"""Effective formatting of runs and paragraphs: direct → character style → paragraph style (basedOn
chain) → table style → docDefaults, theme fonts resolved (``themeFontLang vi-VN`` → the theme's
Vietnamese script font).

Each style's merged properties are worked out once and cached per (table style, paragraph style,
character style), so resolving a run costs one pass over its own ``w:rPr``: linear in the document.
Toggle properties (bold, italic, caps) follow ECMA-376 §17.7.3 between the paragraph and the
character style: a character style that turns one on over a paragraph style that already has it
turns it off; direct formatting is absolute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..ooxml.names import PPR, RPR, VAL, q, w

_STYLE, _STYLE_ID, _TYPE, _DEFAULT, _BASED_ON = w("style"), w("styleId"), w("type"), w("default"), w("basedOn")
_RFONTS, _SZ, _B, _I, _CAPS, _COLOR, _VERT, _VANISH = (w("rFonts"), w("sz"), w("b"), w("i"), w("caps"), w("color"),
                                                        w("vertAlign"), w("vanish"))
_JC, _IND, _SPACING, _CONTEXTUAL, _PBDR, _NUMPR, _NUMID, _ILVL, _FRAMEPR, _PSTYLE, _RSTYLE, _TBLSTYLE = (
    w("jc"), w("ind"), w("spacing"), w("contextualSpacing"), w("pBdr"), w("numPr"), w("numId"), w("ilvl"),
    w("framePr"), w("pStyle"), w("rStyle"), w("tblStyle"))
_TOGGLES = ("bold", "italic", "caps")


def onoff(el: Any) -> bool | None:
    """Value of an OOXML on/off element (``<w:b/>`` is on, ``w:val="0"`` off); None when absent."""
    if el is None:
        return None
    return (el.get(VAL) or "true").lower() not in ("0", "false", "off", "none")


def to_int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True, slots=True)
class RunFmt:
    """Effective formatting of one run of text."""

    text: str
    size: float
    bold: bool
    italic: bool
    caps: bool
    color: str
    ascii: str | None
    h_ansi: str | None
    vert: str | None
    hidden: bool = False


@dataclass(slots=True)
class ParaFmt:
    """Effective formatting of one paragraph (lengths in twips)."""

    align: str = "left"
    left: int = 0
    right: int = 0
    first: int = 0
    first_chars: int = 0          # hundredths of a character (w:firstLineChars), 0 if none
    before: int = 0
    after: int = 0
    before_lines: int = 0         # hundredths of a line (w:beforeLines)
    after_lines: int = 0
    line: int = 240
    line_rule: str = "auto"
    contextual: bool = False
    border_bottom: bool = False
    num_id: str | None = None
    ilvl: int = 0
    frame_center: bool = False
    style: str | None = None


def rpr_layer(el: Any) -> dict[str, Any]:
    """The run properties one ``w:rPr`` sets."""
    out: dict[str, Any] = {}
    if el is None:
        return out
    for child in el:
        tag = child.tag
        if tag == _RFONTS:
            for which in ("ascii", "hAnsi"):
                theme = child.get(w(which + "Theme"))
                name = child.get(w(which))
                if theme:   # a theme attribute wins over the name in the same element
                    out[which] = ("theme", theme)
                elif name:
                    out[which] = ("name", name)
        elif tag == _SZ:
            size = to_int(child.get(VAL))
            if size:
                out["size"] = size / 2.0
        elif tag == _B:
            out["bold"] = onoff(child)
        elif tag == _I:
            out["italic"] = onoff(child)
        elif tag == _CAPS:
            out["caps"] = onoff(child)
        elif tag == _VANISH:
            out["hidden"] = onoff(child)
        elif tag == _COLOR:
            out["color"] = (child.get(w("themeColor")) or child.get(VAL) or "auto").lower()
        elif tag == _VERT:
            out["vert"] = child.get(VAL)
    return out


def ppr_layer(el: Any) -> dict[str, Any]:
    """The paragraph properties one ``w:pPr`` sets."""
    out: dict[str, Any] = {}
    if el is None:
        return out
    for child in el:
        tag = child.tag
        if tag == _JC:
            if child.get(VAL):
                out["align"] = child.get(VAL)
        elif tag == _IND:
            for key, names in (("left", ("left", "start")), ("right", ("right", "end"))):
                for name in names:
                    if child.get(w(name)) is not None:
                        out[key] = to_int(child.get(w(name)), 0)
            if child.get(w("firstLine")) is not None:
                out["first"] = to_int(child.get(w("firstLine")), 0)
                out["first_chars"] = 0
            if child.get(w("hanging")) is not None:
                out["first"] = -(to_int(child.get(w("hanging")), 0) or 0)
                out["first_chars"] = 0
            chars = to_int(child.get(w("firstLineChars")), 0) or -(to_int(child.get(w("hangingChars")), 0) or 0)
            if chars:
                out["first_chars"] = chars
        elif tag == _SPACING:
            for key in ("before", "after"):
                if child.get(w(key)) is not None:
                    out[key] = to_int(child.get(w(key)), 0)
                    out[key + "_lines"] = 0
                lines = to_int(child.get(w(key + "Lines")), 0)
                if lines:
                    out[key + "_lines"] = lines
                auto = child.get(w(key + "Autospacing"))
                if auto is not None and auto.lower() not in ("0", "false", "off"):
                    out[key] = 280          # HTML automatic spacing, about 14 pt
                    out[key + "_lines"] = 0
            if child.get(w("line")) is not None:
                out["line"] = to_int(child.get(w("line")), 240)
                out["line_rule"] = child.get(w("lineRule")) or "auto"
        elif tag == _CONTEXTUAL:
            out["contextual"] = onoff(child)
        elif tag == _PBDR:
            bottom = child.find(w("bottom"))
            if bottom is not None:
                out["border_bottom"] = (bottom.get(VAL) or "none") not in ("none", "nil")
        elif tag == _NUMPR:
            num, lvl = child.find(_NUMID), child.find(_ILVL)
            if num is not None:
                out["num_id"] = num.get(VAL)
            if lvl is not None:
                out["ilvl"] = to_int(lvl.get(VAL), 0)
        elif tag == _FRAMEPR:
            out["frame_center"] = child.get(w("xAlign")) == "center"
    return out


@dataclass(slots=True)
class _Style:
    sid: str
    type: str
    based_on: str | None
    el: Any
    _layers: tuple[dict[str, Any], dict[str, Any]] | None = None

    def layers(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(rPr, pPr) this style sets itself, read on first use."""
        if self._layers is None:
            self._layers = (rpr_layer(self.el.find(RPR)), ppr_layer(self.el.find(PPR)))
        return self._layers


class StyleSheet:
    """Styles, document defaults and theme fonts of one document, with cached resolution."""

    def __init__(self, styles: Any, theme: Callable[[], Any], settings: Any) -> None:
        self.styles: dict[str, _Style] = {}
        self.default_para: str | None = None
        self.default_table: str | None = None
        self.default_char: str | None = None
        self.dd_rpr: dict[str, Any] = {}
        self.dd_ppr: dict[str, Any] = {}
        if styles is not None:
            for s in styles.iter(_STYLE):
                sid = s.get(_STYLE_ID)
                if not sid:
                    continue
                based = s.find(_BASED_ON)
                kind = s.get(_TYPE) or "paragraph"
                self.styles[sid] = _Style(sid, kind, based.get(VAL) if based is not None else None, s)
                if onoff_attr(s.get(_DEFAULT)):
                    if kind == "paragraph":
                        self.default_para = sid
                    elif kind == "table":
                        self.default_table = sid
                    elif kind == "character":
                        self.default_char = sid
            dd = styles.find(w("docDefaults"))
            if dd is not None:
                self.dd_rpr = rpr_layer(dd.find(f"{w('rPrDefault')}/{RPR}"))
                self.dd_ppr = ppr_layer(dd.find(f"{w('pPrDefault')}/{PPR}"))
        self._theme_part = theme
        self._settings = settings
        self._theme: dict[str, str | None] | None = None
        self._chain_cache: dict[str | None, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._base_cache: dict[tuple[str | None, str | None], tuple[dict[str, Any], dict[str, Any]]] = {}
        self._run_cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def chain(self, sid: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """(rPr, pPr) of a style with its basedOn ancestors merged, root first."""
        if sid in self._chain_cache:
            return self._chain_cache[sid]
        order: list[_Style] = []
        seen: set[str] = set()
        cur = sid
        while cur and cur in self.styles and cur not in seen:
            seen.add(cur)
            order.append(self.styles[cur])
            cur = self.styles[cur].based_on
        rpr: dict[str, Any] = {}
        ppr: dict[str, Any] = {}
        for style in reversed(order):
            s_rpr, s_ppr = style.layers()
            rpr.update(s_rpr)
            ppr.update(s_ppr)
        self._chain_cache[sid] = (rpr, ppr)
        return rpr, ppr

    def base(self, table_style: str | None, para_style: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """(rPr, pPr) of docDefaults < table style < paragraph style, merged."""
        key = (table_style, para_style)
        if key not in self._base_cache:
            rpr, ppr = dict(self.dd_rpr), dict(self.dd_ppr)
            if table_style:
                t_rpr, t_ppr = self.chain(table_style)
                rpr.update(t_rpr)
                ppr.update(t_ppr)
            p_rpr, p_ppr = self.chain(para_style)
            rpr.update(p_rpr)
            ppr.update(p_ppr)
            self._base_cache[key] = (rpr, ppr)
        return self._base_cache[key]

    def para_style_id(self, ppr_el: Any) -> str | None:
        ps = ppr_el.find(_PSTYLE) if ppr_el is not None else None
        sid = ps.get(VAL) if ps is not None else None
        return sid if sid in self.styles else self.default_para

    def table_style_id(self, tbl: Any) -> str | None:
        if tbl is None:
            return None
        ts = tbl.find(f"{w('tblPr')}/{_TBLSTYLE}")
        sid = ts.get(VAL) if ts is not None else None
        return sid if sid in self.styles else self.default_table

    def para_fmt(self, ppr_el: Any, table_style: str | None, num_ppr: dict[str, Any] | None = None,
                 direct: dict[str, Any] | None = None) -> ParaFmt:
        """Effective paragraph properties: base < numbering level < direct ``w:pPr``."""
        sid = self.para_style_id(ppr_el)
        _, base = self.base(table_style, sid)
        merged = dict(base)
        if num_ppr:
            merged.update(num_ppr)
        merged.update(direct if direct is not None else ppr_layer(ppr_el))
        fmt = ParaFmt(style=sid)
        for key, value in merged.items():
            if value is not None and hasattr(fmt, key):
                setattr(fmt, key, value)
        return fmt

    def run_props(self, table_style: str | None, para_style: str | None, rpr_el: Any) -> dict[str, Any]:
        """Effective run properties as a dict (see :meth:`run_fmt`)."""
        char_style = None
        direct: dict[str, Any] = {}
        if rpr_el is not None:
            rs = rpr_el.find(_RSTYLE)
            char_style = rs.get(VAL) if rs is not None else None
            direct = rpr_layer(rpr_el)
        key = (table_style, para_style, char_style)
        merged = self._run_cache.get(key)
        if merged is None:
            rpr, _ = self.base(table_style, para_style)
            merged = dict(rpr)
            if char_style and char_style in self.styles:
                c_rpr, _ = self.chain(char_style)
                for k, v in c_rpr.items():
                    if k in _TOGGLES and v and merged.get(k):
                        merged[k] = False          # toggled off (17.7.3)
                    else:
                        merged[k] = v
            self._run_cache[key] = merged
        if not direct:
            return merged
        out = dict(merged)
        out.update(direct)
        return out

    def run_fmt(self, text: str, props: dict[str, Any]) -> RunFmt:
        return RunFmt(text, props.get("size") or 10.0, bool(props.get("bold")), bool(props.get("italic")),
                      bool(props.get("caps")), props.get("color") or "auto", self.font(props.get("ascii")),
                      self.font(props.get("hAnsi")), props.get("vert"), bool(props.get("hidden")))

    def font(self, value: tuple[str, str] | None) -> str | None:
        if value is None:
            return None
        kind, name = value
        if kind == "name":
            return name
        if self._theme is None:   # the theme part is read only when some text uses a theme font
            self._theme = theme_fonts(self._theme_part(), self._settings)
        face = self._theme.get("major" if name.startswith("major") else "minor")
        return face or f"theme:{name}"


def onoff_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in ("0", "false", "off")


def theme_fonts(theme: Any, settings: Any) -> dict[str, str | None]:
    """Major and minor theme fonts; the Vietnamese script font when ``themeFontLang`` is vi-*."""
    fonts: dict[str, str | None] = {"major": None, "minor": None}
    viet = False
    if settings is not None:
        tfl = settings.find(w("themeFontLang"))
        viet = tfl is not None and (tfl.get(VAL) or "").lower().startswith("vi")
    if theme is None:
        return fonts
    for kind in ("major", "minor"):
        f = next(theme.iter(q(f"a:{kind}Font")), None)
        if f is None:
            continue
        latin = f.find(q("a:latin"))
        face = latin.get("typeface") if latin is not None else None
        if viet:
            for sf in f.findall(q("a:font")):
                if sf.get("script") == "Viet" and sf.get("typeface"):
                    face = sf.get("typeface")
        fonts[kind] = face
    return fonts

