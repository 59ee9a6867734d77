"""Compare two plans by the document's structure: what a reviewer needs to know changed.

Parts are matched by what they say, not where they stand, so a point that moved is reported
as moved (with its old and new numbers), a renumbered one as renumbered, and a task that went
from one unit to another as reassigned. Paragraphs that changed carry a word-level diff.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ..layout import blocks
from ..model.plan import Plan
from .outline import Node, outline, prose
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
_SIMILAR = 0.5      # parts at least this alike are the same part, changed
_SAME_TASK = 0.75   # a task this alike, removed here and added there, moved


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


def match(olds: Sequence[T], news: Sequence[T], key: Callable[[T], str],
          text: Callable[[T], str]) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) of the same item: equal keys first, then similar texts.

    Unmatched items come as (i, None) / (None, j). Pairs are listed in NEW's order, removed
    items where they stood in OLD.
    """
    pairs: dict[int, int] = {}
    free_new: dict[str, list[int]] = {}
    for j, item in enumerate(news):
        free_new.setdefault(key(item), []).append(j)
    for i, item in enumerate(olds):
        bucket = free_new.get(key(item))
        if bucket:
            pairs[i] = bucket.pop(0)
    used = set(pairs.values())
    left_o = [i for i in range(len(olds)) if i not in pairs]
    left_n = [j for j in range(len(news)) if j not in used]
    if left_o and left_n and len(left_o) * len(left_n) <= 10000:
        scored = sorted(((similarity(text(olds[i]), text(news[j])), i, j) for i in left_o for j in left_n),
                        reverse=True)
        for score, i, j in scored:
            if score < _SIMILAR:
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
    for j in range(len(news)):
        while removed and removed[0] < upcoming[j]:
            out.append((removed.pop(0), None))
        out.append((by_new.get(j), j))
    out += [(i, None) for i in removed]
    return out


def _in_order(pairs: list[tuple[int | None, int | None]]) -> set[int]:
    """Old indexes of matched pairs that kept their relative order (the longest run of them)."""
    matched = [(i, j) for i, j in pairs if i is not None and j is not None]
    olds = [i for i, _ in sorted(matched, key=lambda p: p[1])]
    # longest increasing subsequence of old indexes in new order
    tails: list[int] = []
    prev: dict[int, int | None] = {}
    idx_at: list[int] = []
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
        idx_at.append(lo)
    keep: set[int] = set()
    k = tails[-1] if tails else None
    while k is not None:
        keep.add(olds[k])
        k = prev[k]
    return keep


def _join(path: str, label: str) -> str:
    return f"{path} › {label}" if path else label


def _label(node: Node, index: int) -> str:
    return f"ý {index + 1}" if node.kind == "bullet" else node.label


def _paras(report: Report, group: str, where: str, olds: list[str], news: list[str], what: str) -> None:
    for i, j in match(olds, news, key=lambda t: t, text=lambda t: t):
        if i is None:
            report.add(group, ADDED, f"{where} ({what})" if where else what, new=news[j])
        elif j is None:
            report.add(group, REMOVED, f"{where} ({what})" if where else what, old=olds[i])
        elif olds[i] != news[j]:
            report.add(group, CHANGED, f"{where} ({what})" if where else what, olds[i], news[j])


def _nodes(report: Report, olds: list[Node], news: list[Node], old_path: str, new_path: str,
           removed: list[tuple[Node, str]], added: list[tuple[Node, str]]) -> None:
    pairs = match(olds, news, key=lambda n: n.key, text=lambda n: n.full_text)
    ordered = _in_order(pairs)
    for i, j in pairs:
        if j is None:
            removed.append((olds[i], _join(old_path, _label(olds[i], i))))
            continue
        if i is None:
            added.append((news[j], _join(new_path, _label(news[j], j))))
            continue
        o, n = olds[i], news[j]
        o_where, n_where = _join(old_path, _label(o, i)), _join(new_path, _label(n, j))
        group = "tasks" if n.kind == "assignment" else "content"
        if i not in ordered:
            report.add(group, MOVED, n_where, o.title, n.title, detail=f"trước là (was) {o_where}")
        elif o.label != n.label:
            report.add(group, RENUMBERED, n_where, o.title, n.title, detail=f"{o.label} → {n.label}")
        if o.title != n.title and n.kind == "assignment":
            report.add(group, REASSIGNED, n_where, new=" ¶ ".join(c.title for c in n.children) or n.title,
                       detail=f"{o.title} → {n.title}")
        elif o.title != n.title and i in ordered:
            report.add(group, CHANGED, n_where, o.title, n.title)
        _paras(report, group, n_where, o.paras, n.paras, "đoạn văn")
        _nodes(report, o.children, n.children, o_where, n_where, removed, added)


def _content(report: Report, old: Plan, new: Plan) -> None:
    removed: list[tuple[Node, str]] = []
    added: list[tuple[Node, str]] = []
    old_tree, new_tree = outline(old), outline(new)
    _nodes(report, old_tree, new_tree, "", "", removed, added)
    # A part removed in one place and added in another: moved (a task: reassigned to another unit).
    owners_old, owners_new = _owners(old_tree), _owners(new_tree)
    for r in list(removed):
        best = max(((similarity(r[0].text, a[0].text), a) for a in added if a[0].kind == r[0].kind),
                   default=(0.0, None), key=lambda x: x[0])
        if best[1] is None or best[0] < _SAME_TASK:
            continue
        a = best[1]
        removed.remove(r)
        added.remove(a)
        unit_from, unit_to = owners_old.get(id(r[0])), owners_new.get(id(a[0]))
        if unit_from and unit_to and unit_from != unit_to:
            report.add("tasks", REASSIGNED, a[1], r[0].text, a[0].text,
                       detail=f"{unit_from} → {unit_to}; trước là (was) {r[1]}")
        else:
            report.add("content", MOVED, a[1], r[0].text, a[0].text, detail=f"trước là (was) {r[1]}")
    for node, where in removed:
        report.add("tasks" if node.kind == "assignment" else "content", REMOVED, where, old=node.text)
    for node, where in added:
        report.add("tasks" if node.kind == "assignment" else "content", ADDED, where, new=node.text)


def _owners(nodes: list[Node], owner: str | None = None) -> dict[int, str]:
    """id(node) → heading of the assignment it belongs to."""
    out: dict[int, str] = {}
    for node in nodes:
        here = node.title if node.kind == "assignment" else owner
        if here:
            out[id(node)] = here
        out.update(_owners(node.children, here))
    return out


def _tasks(report: Report, old: Plan, new: Plan) -> None:
    def flat(plan: Plan) -> list[tuple[str, list[str], list[str], str, list[str]]]:
        year = plan.year or 0
        return [(prose(" ".join(t.task)), list(t.lead), list(t.support),
                 "; ".join(blocks.timing_text(x, year) for x in t.timing), [prose(p) for p in t.product])
                for g in plan.tasks for t in g.tasks]

    olds, news = flat(old), flat(new)
    for i, j in match(olds, news, key=lambda t: t[0], text=lambda t: t[0]):
        where = f"nhiệm vụ {j + 1 if j is not None else (i or 0) + 1} (bảng nhiệm vụ)"
        if j is None:
            report.add("tasks", REMOVED, where, old=olds[i][0])
            continue
        if i is None:
            report.add("tasks", ADDED, where, new=news[j][0])
            continue
        o, n = olds[i], news[j]
        if o[0] != n[0]:
            report.add("tasks", CHANGED, where, o[0], n[0])
        if o[1] != n[1]:
            report.add("tasks", REASSIGNED, where, o[0], n[0],
                       detail=f"chủ trì (lead): {', '.join(o[1])} → {', '.join(n[1])}")
        if o[2] != n[2]:
            report.add("tasks", CHANGED, f"{where}, phối hợp (support)", ", ".join(o[2]), ", ".join(n[2]))
        if o[3] != n[3]:
            report.add("tasks", "deadline", where, new=n[0], detail=f"thời gian (timing): {o[3]} → {n[3]}")
        if o[4] != n[4]:
            report.add("tasks", CHANGED, f"{where}, sản phẩm (product)", "; ".join(o[4]), "; ".join(n[4]))


def _value(report: Report, group: str, where: str, old: str | None, new: str | None) -> None:
    if old == new:
        return
    if old is None or old == "":
        report.add(group, ADDED, where, new=new)
    elif new is None or new == "":
        report.add(group, REMOVED, where, old=old)
    else:
        report.add(group, CHANGED, where, old, new)


def _list(report: Report, group: str, what: str, olds: list[str], news: list[str]) -> None:
    """Lists whose order matters little (recipients): added, removed, or reworded entries."""
    gone = [x for x in olds if x not in news]
    came = [x for x in news if x not in olds]
    for i, j in match(gone, came, key=lambda t: t, text=lambda t: t):
        if j is None:
            report.add(group, REMOVED, what, old=gone[i])
        elif i is None:
            report.add(group, ADDED, what, new=came[j])
        else:
            report.add(group, CHANGED, what, gone[i], came[j])


def _bases(report: Report, old: Plan, new: Plan) -> None:
    olds = [blocks.basis_text(b) for b in old.bases]
    news = [blocks.basis_text(b) for b in new.bases]
    ident = {id(t): (b.number or t) for bs, ts in ((old.bases, olds), (new.bases, news)) for b, t in zip(bs, ts,
                                                                                                         strict=True)}
    pairs = match(olds, news, key=lambda t: ident.get(id(t), t), text=lambda t: t)
    ordered = _in_order(pairs)
    for i, j in pairs:
        if j is None:
            report.add("bases", REMOVED, f"căn cứ {i + 1}", old=prose(olds[i]))
        elif i is None:
            report.add("bases", ADDED, f"căn cứ {j + 1}", new=prose(news[j]))
        else:
            if i not in ordered:
                report.add("bases", MOVED, f"căn cứ {j + 1}", prose(olds[i]), prose(news[j]),
                           detail=f"căn cứ {i + 1} → {j + 1}")
            elif olds[i] != news[j]:
                report.add("bases", CHANGED, f"căn cứ {j + 1}", prose(olds[i]), prose(news[j]))


def _header(report: Report, old: Plan, new: Plan, lo: blocks.Layout, ln: blocks.Layout) -> None:
    _value(report, "header", "số (number)", lo.number_line, ln.number_line)
    _value(report, "header", "địa danh, ngày (place and date)", lo.date_line, ln.date_line)
    _value(report, "header", "trích yếu (subject)", " ".join(lo.subject), " ".join(ln.subject))
    _value(report, "header", "cơ quan ban hành (issuing body)", " ".join(lo.agency), " ".join(ln.agency))
    _value(report, "header", "dòng kèm theo (attached to)", lo.attached_line, ln.attached_line)
    _paras(report, "content", "", [prose(t) for t in old.intro], [prose(t) for t in new.intro], "lời dẫn (intro)")
    _paras(report, "content", "", [prose(t) for t in old.closing], [prose(t) for t in new.closing],
           "câu kết (closing)")
    _list(report, "closing", "nơi nhận (recipients)", lo.recipients, ln.recipients)
    so, sn = old.signed_by, new.signed_by
    _value(report, "closing", "người ký (signer)", so.name if so else None, sn.name if sn else None)
    _value(report, "closing", "chức vụ người ký (signer's position)",
           " / ".join([*so.authority, so.position]) if so else None,
           " / ".join([*sn.authority, sn.position]) if sn else None)
    do, dn = lo.decision, ln.decision
    if do or dn:
        _value(report, "header", "quyết định: số (decision number)", do and do.number_line, dn and dn.number_line)
        _value(report, "header", "quyết định: ngày (decision date)", do and do.date_line, dn and dn.date_line)
        _value(report, "header", "quyết định: trích yếu", do and " ".join(do.subject), dn and " ".join(dn.subject))
        _paras(report, "bases", "quyết định", [p.text for p in do.body] if do else [],
               [p.text for p in dn.body] if dn else [], "căn cứ")
        _paras(report, "content", "quyết định", [p.text for p in do.articles] if do else [],
               [p.text for p in dn.articles] if dn else [], "điều")
        _list(report, "closing", "quyết định: nơi nhận", do.recipients if do else [], dn.recipients if dn else [])
        _value(report, "closing", "quyết định: người ký", do and do.signer_name, dn and dn.signer_name)


def _appendices(report: Report, new: Plan, lo: blocks.Layout, ln: blocks.Layout) -> None:

    def rows(app: blocks.AppendixLayout) -> list[str]:
        return [" | ".join(" / ".join("".join(s.text for s in p) for p in c.paras) for c in r.cells)
                for r in app.table.rows if r.kind != "header"]

    pairs = match(lo.appendices, ln.appendices, key=lambda a: a.title, text=lambda a: a.title)
    for i, j in pairs:
        if j is None:
            report.add("appendices", REMOVED, lo.appendices[i].label, old=lo.appendices[i].title)
        elif i is None:
            report.add("appendices", ADDED, ln.appendices[j].label, new=ln.appendices[j].title)
        else:
            a, b = lo.appendices[i], ln.appendices[j]
            _value(report, "appendices", f"{b.label}: tên (title)", a.title, b.title)
            if new.appendices[j].type != "tasks":   # task rows are compared as tasks
                _paras(report, "appendices", b.label, rows(a), rows(b), "dòng bảng")
            _paras(report, "appendices", b.label, [p.text for p in a.before + a.after],
                   [p.text for p in b.before + b.after], "đoạn văn")


def compare(old: Plan, new: Plan, old_name: str = "OLD", new_name: str = "NEW") -> Report:
    """Everything a reviewer should see changed from ``old`` to ``new``."""
    report = Report(old_name, new_name)
    lo, ln = blocks.layout(old), blocks.layout(new)
    _header(report, old, new, lo, ln)
    _bases(report, old, new)
    _content(report, old, new)
    _tasks(report, old, new)
    _appendices(report, new, lo, ln)
    order = list(GROUPS)
    report.changes.sort(key=lambda c: order.index(c.group))
    return report
