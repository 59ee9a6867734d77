"""Compare two versions of one table: columns added, removed or renamed, rows added, removed or
moved (matched by what they hold, so an inserted row is one addition, not every row below it
changed), and each changed cell named by where a reader finds it ("hàng 4 › cột Thời gian")."""

from __future__ import annotations

from .changes import ADDED, CHANGED, MOVED, REMOVED, Report, in_order, match
from .table_view import RowView, TableView
from .words import similarity

_HEADER = "tiêu đề (header)"
_FORMAT = "trình bày (format)"


def _join(where: str, *labels: str) -> str:
    return " › ".join(x for x in (where, *labels) if x)


def column_pairs(old: TableView, new: TableView) -> dict[int, int]:
    """Old column → new column: by position when both have as many columns, else by header."""
    if len(old.columns) == len(new.columns):
        return {c: c for c in range(len(old.columns))}
    pairs = match(old.columns, new.columns, key=lambda n: n.lower(), text=lambda n: n)
    return {i: j for i, j in pairs if i is not None and j is not None}


def _column_values(view: TableView, col: int) -> str:
    names = view.row_names()
    values = [f"{name}: {row.cells[col]}" for name, row in zip(names, view.rows, strict=True)
              if row.cells.get(col)]
    return "; ".join(values)


def compare_tables(report: Report, group: str, where: str, old: TableView, new: TableView) -> None:
    """Report what differs between ``old`` and ``new``, located under ``where`` ("II. › bảng 1")."""
    cols = column_pairs(old, new)
    gone = [c for c in range(len(old.columns)) if c not in cols]
    came = sorted(set(range(len(new.columns))) - set(cols.values()))
    renamed = any(old.columns[o] != new.columns[n] for o, n in cols.items())
    if renamed or (not gone and not came and old.header != new.header):
        report.add(group, CHANGED, _join(where, _HEADER), "\n".join(old.header), "\n".join(new.header))
    if old.format != new.format:
        report.add(group, CHANGED, _join(where, _FORMAT), old.format or "mặc định (default)",
                   new.format or "mặc định (default)")
    for c in gone:
        report.add(group, REMOVED, _join(where, old.column_name(c)), old=_column_values(old, c) or old.columns[c])
    for c in came:
        report.add(group, ADDED, _join(where, new.column_name(c)), new=_column_values(new, c) or new.columns[c])
    _rows(report, group, where, old, new, cols)


def _rows(report: Report, group: str, where: str, old: TableView, new: TableView, cols: dict[int, int]) -> None:
    same = {c: c for c in cols.values()}

    def score(a: RowView, b: RowView) -> float:
        if a.kind != b.kind:
            return 0.0
        mine = {cols[c]: t for c, t in a.cells.items() if c in cols}
        theirs = {c: t for c, t in b.cells.items() if c in same}
        both = set(mine) | set(theirs)
        equal = sum(mine.get(c) == theirs.get(c) for c in both) / len(both) if both else 1.0
        return max(equal, similarity(a.text, b.text))

    # keyed by the columns both have, numbered as in NEW
    olds = [(r, r.key(cols)) for r in old.rows]
    news = [(r, r.key(same)) for r in new.rows]
    pairs = match(olds, news, key=lambda x: x[1], text=lambda x: x[0].text, score=lambda x, y: score(x[0], y[0]))
    ordered = in_order(pairs)
    old_names, new_names = old.row_names(), new.row_names()
    for i, j in pairs:
        if j is None:
            report.add(group, REMOVED, _join(where, old_names[i]), old=old.rows[i].printed)
            continue
        if i is None:
            report.add(group, ADDED, _join(where, new_names[j]), new=new.rows[j].printed)
            continue
        a, b = old.rows[i], new.rows[j]
        here = _join(where, new_names[j])
        if i not in ordered:
            report.add(group, MOVED, here, a.printed, b.printed, detail=f"trước là (was) {old_names[i]}")
            continue
        _cells(report, group, here, a, b, cols, new)


def _cells(report: Report, group: str, here: str, a: RowView, b: RowView, cols: dict[int, int],
           new: TableView) -> None:
    """The changed cells of a row (the whole row when its cells merge differently)."""
    shape_a = tuple((cols[c], span, merge) for c, span, merge in a.shape if c in cols)
    shape_b = tuple((c, span, merge) for c, span, merge in b.shape if c in cols.values())
    if shape_a != shape_b:
        report.add(group, CHANGED, here, a.printed, b.printed, detail="ô gộp khác (cells merged differently)")
        return
    if b.kind == "group":
        if a.cells != b.cells:
            report.add(group, CHANGED, here, a.text, b.text)
        return
    spans = {c: span for c, span, _ in b.shape}
    mine = {cols[c]: t for c, t in a.cells.items() if c in cols}
    for c, text in sorted(b.cells.items()):
        if c in mine and mine[c] != text:
            report.add(group, CHANGED, _join(here, new.column_name(c, spans.get(c, 1))), mine[c], text)
