"""Word-level differences between two texts (shared by ``kh diff`` and ``kh redline``)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Literal

#: A word, a run of spaces, or one punctuation mark.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

Op = Literal["equal", "delete", "insert"]


def tokens(text: str) -> list[str]:
    """Split ``text`` into words, spaces and punctuation; joining them gives ``text`` back."""
    return _TOKEN.findall(text)


def similarity(a: str, b: str) -> float:
    """0..1: how much of two texts is the same, word by word."""
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0
    return difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio()


def word_ops(old: Sequence[str], new: Sequence[str]) -> list[tuple[Op, int, int, int, int]]:
    """Opcodes turning token list ``old`` into ``new``: equal, delete (old range) and insert (new range).

    A replacement is given as a deletion followed by an insertion; lone spaces between two
    changes are folded into the change so "a b c" → "x y z" reads as one change, not three.
    """
    sm = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    raw = [list(op) for op in sm.get_opcodes()]
    merged: list[list] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(raw):
        between = (tag == "equal" and 0 < k < len(raw) - 1 and i2 - i1 == 1 and old[i1].isspace())
        if merged and merged[-1][0] != "equal" and (tag != "equal" or between):
            merged[-1][0], merged[-1][2], merged[-1][4] = "replace", i2, j2
            continue
        merged.append([tag, i1, i2, j1, j2])
    out: list[tuple[Op, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            out.append(("equal", i1, i2, j1, j2))
            continue
        if i2 > i1:
            out.append(("delete", i1, i2, j1, j1))
        if j2 > j1:
            out.append(("insert", i2, i2, j1, j2))
    return out


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """``[(op, text), ...]`` pieces: equal text, deleted old words, inserted new words."""
    a, b = tokens(old), tokens(new)
    out: list[tuple[Op, str]] = []
    for op, i1, i2, j1, j2 in word_ops(a, b):
        piece = "".join(b[j1:j2]) if op in ("equal", "insert") else "".join(a[i1:i2])
        if piece:
            out.append((op, piece))
    return out
