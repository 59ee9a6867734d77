"""What a comparison reports (:class:`Change`, :class:`Report`) and how items of two versions are paired.

:func:`match` pairs the items of OLD and NEW that are the same item (equal keys, else similar
enough); :func:`in_order` tells which of the pairs kept their relative order, so the others are
reported as moved. Shared by the comparison of the plan's parts and of its tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .words import Op, similarity, word_diff

T = TypeVar("T")

ADDED, REMOVED, CHANGED, MOVED, RENUMBERED, REASSIGNED = (
    "added", "removed", "changed", "moved", "renumbered", "reassigned")
#: Report groups, in order, with their headings.
GROUPS = {
    "header": "Tiêu đề, số, ngày (heading)",
    "bases": "Căn cứ (bases)",
    "content": "Nội dung (content)",
    "tasks": "Nhiệm vụ và phân công (tasks and assignments)",
    "appendices": "Phụ lục (appendices)",
    "closing": "Nơi nhận, người ký (recipients, signer)",
}
#: Items at least this alike are the same item, changed.
SIMILAR = 0.5
#: Pairwise scores :func:`match` computes at most (beyond: unmatched items stay added and removed).
_SCORING_LIMIT = 10000


@dataclass
class Change:
    """One difference, located as printed (``where``: NEW's numbers, OLD's for removed parts)."""

    group: str
    kind: str
    where: str
    old: str | None = None
    new: str | None = None
    words: list[tuple[Op, str]] | None = None
    detail: str | None = None


@dataclass
class Report:
    old_name: str
    new_name: str
    changes: list[Change] = field(default_factory=list)

    def add(self, group: str, kind: str, where: str, old: str | None = None, new: str | None = None,
            detail: str | None = None) -> None:
        words = word_diff(old, new) if (kind in (CHANGED, MOVED, REASSIGNED) and old is not None
                                        and new is not None and old != new) else None
        self.changes.append(Change(group, kind, where, old, new, words, detail))


def match(olds: Sequence[T], news: Sequence[T], key: Callable[[T], str], text: Callable[[T], str],
          score: Callable[[T, T], float] | None = None) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) of the same item: equal keys first, then the most alike
    (``score``, default the similarity of their ``text``) while at least :data:`SIMILAR`.

    Unmatched items come as (i, None) / (None, j). Pairs are listed in NEW's order, removed
    items where they stood in OLD.
    """
    pairs: dict[int, int] = {}
    free_new: dict[str, list[int]] = {}
    for j, item in enumerate(news):
        free_new.setdefault(key(item), []).append(j)
    for bucket in free_new.values():
        bucket.reverse()                  # popped from the end: first come, first paired
    for i, item in enumerate(olds):
        bucket = free_new.get(key(item))
        if bucket:
            pairs[i] = bucket.pop()
    used = set(pairs.values())
    left_o = [i for i in range(len(olds)) if i not in pairs]
    left_n = [j for j in range(len(news)) if j not in used]
    if left_o and left_n and len(left_o) * len(left_n) <= _SCORING_LIMIT:
        alike = score or (lambda a, b: similarity(text(a), text(b)))
        scored = sorted(((alike(olds[i], news[j]), -abs(i - j), i, j) for i in left_o for j in left_n),
                        reverse=True)
        for value, _, i, j in scored:
            if value < SIMILAR:
                break
            if i not in pairs and j not in used:
                pairs[i] = j
                used.add(j)
    out: list[tuple[int | None, int | None]] = []
    by_new = {j: i for i, j in pairs.items()}
    removed = [i for i in range(len(olds)) if i not in pairs]
    upcoming = [len(olds)] * (len(news) + 1)   # the next matched old index at or after j
    for j in range(len(news) - 1, -1, -1):
        upcoming[j] = by_new.get(j, upcoming[j + 1])
    r = 0
    for j in range(len(news)):
        while r < len(removed) and removed[r] < upcoming[j]:
            out.append((removed[r], None))
            r += 1
        out.append((by_new.get(j), j))
    out += [(i, None) for i in removed[r:]]
    return out


def in_order(pairs: list[tuple[int | None, int | None]]) -> set[int]:
    """Old indexes of matched pairs that kept their relative order (the longest run of them)."""
    matched = [(i, j) for i, j in pairs if i is not None and j is not None]
    olds = [i for i, _ in sorted(matched, key=lambda p: p[1])]
    # longest increasing subsequence of old indexes in new order
    tails: list[int] = []
    prev: dict[int, int | None] = {}
    for k, value in enumerate(olds):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if olds[tails[mid]] < value:
                lo = mid + 1
            else:
                hi = mid
        prev[k] = tails[lo - 1] if lo else None
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    keep: set[int] = set()
    k = tails[-1] if tails else None
    while k is not None:
        keep.add(olds[k])
        k = prev[k]
    return keep
