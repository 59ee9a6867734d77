"""Labels Word draws for automatically numbered paragraphs ("I.", "1.", "a)", "-").

A document typed with Word's own numbering carries no "a)" in its text: the label comes from
``numbering.xml``. Checking the decree's numbering (Phụ lục I §II.6.đ) needs the labels as shown, so
they are worked out here in one pass over the paragraphs, as Word counts them: one counter set per
abstract numbering, a level's use restarting the levels below it, ``w:startOverride`` restarting a
list instance at its first use. Word's ``lowerLetter`` format counts a, b, c, d, e: the "e)" that
stands where Vietnamese order wants "đ)".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..lang.numbering import roman
from ..ooxml.names import PPR, RPR, VAL, w
from .styles import ppr_layer, rpr_layer, to_int


@dataclass(slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    ppr: dict[str, Any] = field(default_factory=dict)
    rpr: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Num:
    abstract: str
    overrides: dict[int, int]               # level → start override
    levels: dict[int, Level]                # level → overriding definition


class Lists:
    """Numbering definitions and the running counters of one document."""

    def __init__(self, numbering: Any) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, list[int]] = {}
        self.started: set[str] = set()
        if numbering is None:
            return
        for ab in numbering.iter(w("abstractNum")):
            aid = ab.get(w("abstractNumId"))
            if aid is not None:
                self.abstract[aid] = {to_int(lvl.get(w("ilvl")), 0) or 0: _level(lvl) for lvl in ab.iter(w("lvl"))}
        for num in numbering.iter(w("num")):
            nid = num.get(w("numId"))
            an = num.find(w("abstractNumId"))
            if nid is None or an is None:
                continue
            overrides: dict[int, int] = {}
            levels: dict[int, Level] = {}
            for ov in num.iter(w("lvlOverride")):
                ilvl = to_int(ov.get(w("ilvl")), 0) or 0
                so = ov.find(w("startOverride"))
                if so is not None:
                    overrides[ilvl] = to_int(so.get(VAL), 1) or 1
                lvl = ov.find(w("lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self.nums[nid] = _Num(an.get(VAL) or "", overrides, levels)

    def level(self, num_id: str | None, ilvl: int) -> Level | None:
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        num = self.nums[num_id]
        return num.levels.get(ilvl) or self.abstract.get(num.abstract, {}).get(ilvl)

    def next_label(self, num_id: str | None, ilvl: int) -> str:
        """Count one paragraph of list ``num_id`` at level ``ilvl`` and return its label."""
        lvl = self.level(num_id, ilvl)
        if lvl is None or num_id is None:
            return ""
        num = self.nums[num_id]
        defs = {**self.abstract.get(num.abstract, {}), **num.levels}
        counters = self.counters.setdefault(num.abstract, [0] * 10)
        if num_id not in self.started:
            self.started.add(num_id)
            for lv, start in num.overrides.items():
                if 0 <= lv < 10:
                    counters[lv] = start - 1
        ilvl = max(0, min(ilvl, 9))
        if counters[ilvl] == 0 or counters[ilvl] < (lvl.start - 1):
            counters[ilvl] = max(counters[ilvl], lvl.start - 1)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            d = defs.get(deeper)
            counters[deeper] = (d.start - 1) if d else 0
        if lvl.fmt == "bullet":
            return lvl.text.strip()
        if lvl.fmt == "none":
            return ""
        label = lvl.text
        for lv in range(9, -1, -1):
            token = f"%{lv + 1}"
            if token in label:
                d = defs.get(lv) or lvl
                label = label.replace(token, fmt_number(counters[lv], d.fmt))
        return label.strip()


def _level(el: Any) -> Level:
    start = el.find(w("start"))
    fmt = el.find(w("numFmt"))
    text = el.find(w("lvlText"))
    return Level(to_int(start.get(VAL), 1) if start is not None else 1,
                 (fmt.get(VAL) or "decimal") if fmt is not None else "decimal",
                 (text.get(VAL) or "") if text is not None else "",
                 ppr_layer(el.find(PPR)), rpr_layer(el.find(RPR)))


def fmt_number(n: int, fmt: str) -> str:
    """One counter in a Word number format (Word's letters: a…z, then aa…)."""
    if n < 1:
        n = 1
    if fmt in ("upperRoman", "lowerRoman"):
        r = roman(n)
        return r if fmt == "upperRoman" else r.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        ch = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return ch.upper() if fmt == "upperLetter" else ch
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)
