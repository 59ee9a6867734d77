"""What the rebuild will print differently from the source, paragraph by paragraph.

The source and the document kh builds from the imported plan are both read by the import's own
reader, flattened into their paragraphs (table cells included, each with Word's list label before
it) and compared: paragraphs found unchanged anywhere are set aside (a cell laid out elsewhere is
no change); the rest are paired in reading order with the most similar one, and each pair is
reported as the words that change ("e)" → "đ)", ";" → ".", "Noi nhận:" → "Nơi nhận:"); a
source paragraph with no counterpart is one the rebuild leaves out, a rebuilt one with none is
one kh adds (a header line, an empty form row's label).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .report import Entry, short
from .source import Para, SourceDoc

#: Least similarity (difflib ratio) for two paragraphs to be one paragraph changed.
SIMILAR = 0.55
#: Most paragraphs compared pairwise (what is left after the unchanged ones are set aside).
MAX_PAIRING = 600
#: Words of context shown on each side of a change.
CONTEXT = 3


@dataclass(frozen=True)
class _Item:
    where: str
    text: str


def snapshot(doc: SourceDoc) -> list[_Item]:
    """The paragraphs of ``doc`` as read, before recognition edits them (a "./." taken off)."""
    return _items(doc)


def _items(doc: SourceDoc) -> list[_Item]:
    out: list[_Item] = []
    for block in doc.blocks:
        paras = [block] if isinstance(block, Para) else [p for r in block.rows for c in r.cells for p in c.paras]
        for p in paras:
            text = " ".join(f"{p.auto_label or ''} {p.plain}".split())
            text = unicodedata.normalize("NFC", text)
            if text and not re.fullmatch(r"[-_=–—.\s]*", text):
                out.append(_Item(p.where, text))
    return out


def differences(source: list[_Item], rebuilt: SourceDoc, skip: set[str] | None = None) -> list[Entry]:
    """Every paragraph the rebuilt document prints differently from the ``source`` (its
    :func:`snapshot`), leaves out or adds, with its place (the source's paragraph or cell; "bản dựng
    lại, đoạn N" for an added one). ``skip``: places already reported as not placed."""
    skip = skip or set()
    a, b = source, _items(rebuilt)
    pool: dict[str, list[int]] = {}
    for i, item in enumerate(b):
        pool.setdefault(item.text, []).append(i)
    used_b: set[int] = set()
    rest_a: list[_Item] = []
    for item in a:
        if pool.get(item.text):
            used_b.add(pool[item.text].pop(0))
        else:
            rest_a.append(item)
    rest_b = [item for i, item in enumerate(b) if i not in used_b]
    out: list[Entry] = []
    taken: set[int] = set()
    pairable = len(rest_a) * len(rest_b) <= MAX_PAIRING * MAX_PAIRING
    for item in rest_a:
        split = _split_into(item, rest_b, taken)
        if split:
            out.append(Entry(item.where, short(item.text), f"chia thành {split} đoạn, mỗi dòng một đoạn"
                             f" (split into {split} paragraphs at its line breaks)"))
            continue
        best, score = None, SIMILAR
        if pairable:
            for j, cand in enumerate(rest_b):
                if j in taken:
                    continue
                m = difflib.SequenceMatcher(None, item.text.lower(), cand.text.lower(), autojunk=False)
                if m.real_quick_ratio() < score or m.quick_ratio() < score:
                    continue
                ratio = m.ratio()
                if ratio > score:
                    best, score = j, ratio
        if best is None:
            if item.where not in skip:
                out.append(Entry(item.where, short(item.text), "không có trong bản dựng lại (left out of the rebuilt"
                                 " document)"))
            continue
        taken.add(best)
        out.append(Entry(item.where, "", _change(item.text, rest_b[best].text)))
    for j, cand in enumerate(rest_b):
        if j not in taken:
            out.append(Entry(f"bản dựng lại (rebuilt), {cand.where}", short(cand.text), "kh thêm (added by kh)"))
    return _collapsed(out)


def _split_into(item: _Item, rest: list[_Item], taken: set[int]) -> int:
    """How many consecutive paragraphs of ``rest`` (not yet ``taken``) ``item`` was, printed one after
    another (a paragraph with line breaks the rebuild prints as paragraphs); 0 when none."""
    for j, first in enumerate(rest):
        if j in taken or not item.text.startswith(first.text) or first.text == item.text:
            continue
        joined, k = first.text, j
        while len(joined) < len(item.text) and k + 1 < len(rest) and k + 1 not in taken:
            k += 1
            joined = f"{joined} {rest[k].text}"
        if joined == item.text:
            taken.update(range(j, k + 1))
            return k - j + 1
    return 0


def _collapsed(entries: list[Entry]) -> list[Entry]:
    """Runs of the same change down one table column ("1." → "1", "2." → "2", …) as one entry."""
    out: list[Entry] = []
    run: list[Entry] = []

    def key(e: Entry) -> tuple[str, str, str] | None:
        m = re.match(r"^(bảng \d+), hàng \d+, (ô \d+)$", e.where)
        return (m.group(1), m.group(2), re.sub(r"\d+", "#", e.why)) if m and not e.text else None

    def flush() -> None:
        if len(run) >= 3:
            rows = [re.search(r"hàng (\d+)", e.where).group(1) for e in run]   # type: ignore[union-attr]
            table, cell, _ = key(run[0])   # type: ignore[misc]
            out.append(Entry(f"{table}, hàng {rows[0]}–{rows[-1]}, {cell}", "",
                             f"{run[0].why} … {run[-1].why} ({len(run)} ô, cells)"))
        else:
            out.extend(run)
        run.clear()

    for e in entries:
        if run and key(e) is not None and key(e) == key(run[-1]):
            run.append(e)
            continue
        flush()
        run.append(e)
    flush()
    return out


def _change(old: str, new: str) -> str:
    """The words that change from ``old`` to ``new``: "… ngày tháng 4 năm … → … ngày tháng năm …"."""
    a, b = old.split(" "), new.split(" ")
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(a[max(0, i1 - CONTEXT):i1])
        after = " ".join(a[i2:i2 + CONTEXT])
        was = " ".join(a[i1:i2]) or "∅"
        now = " ".join(b[j1:j2]) or "∅"
        lead = f"… {before} " if before else ""
        tail = f" {after} …" if after else ""
        parts.append(f"“{lead}{was}{tail}” → “{lead}{now}{tail}”")
        if len(parts) == 4:
            parts.append("…")
            break
    return "; ".join(parts) if parts else "khoảng trắng (spacing)"
