"""Compare two plans by the document's structure: what a reviewer needs to know changed.

Parts are matched by what they say, not where they stand, so a point that moved is reported
as moved (with its old and new numbers), a renumbered one as renumbered, and a task that went
from one unit to another as reassigned. Paragraphs that changed carry a word-level diff. The
parts are every block in printed order (:mod:`.outline`), so a paragraph moved past a table is
moved; tables, in the body and as appendices, are compared row by row (:mod:`.table_compare`).
"""

from __future__ import annotations

from ..layout import blocks
from ..model import content
from ..model.plan import Appendix, Plan
from .changes import ADDED, CHANGED, GROUPS, MOVED, REASSIGNED, REMOVED, RENUMBERED, Change, Report, in_order, match
from .outline import LEAVES, Node, appendix_outline, outline, prose
from .table_compare import compare_tables
from .table_view import TableView, model_view, view
from .words import similarity

__all__ = ["ADDED", "CHANGED", "GROUPS", "MOVED", "REASSIGNED", "REMOVED", "RENUMBERED", "Change", "Report",
           "compare", "match"]

_YES_NO = {True: "có (yes)", False: "không (no)"}
_SAME_TASK = 0.75   # a part this alike, removed here and added there, moved


def _join(path: str, label: str) -> str:
    return f"{path} › {label}" if path else label


def _paras(report: Report, group: str, where: str, olds: list[str], news: list[str], what: str) -> None:
    for i, j in match(olds, news, key=lambda t: t, text=lambda t: t):
        if i is None:
            report.add(group, ADDED, f"{where} ({what})" if where else what, new=news[j])
        elif j is None:
            report.add(group, REMOVED, f"{where} ({what})" if where else what, old=olds[i])
        elif olds[i] != news[j]:
            report.add(group, CHANGED, f"{where} ({what})" if where else what, olds[i], news[j])


def _alike(a: Node, b: Node) -> float:
    return similarity(a.full_text, b.full_text) if a.kind == b.kind else 0.0


class _Tree:
    """Compares two trees of parts; ``group``: "content" (assignments: "tasks") or "appendices"."""

    def __init__(self, report: Report, group: str):
        self.report, self.group = report, group
        self.removed: list[tuple[Node, str]] = []
        self.added: list[tuple[Node, str]] = []

    def group_of(self, node: Node) -> str:
        return "tasks" if self.group == "content" and node.kind == "assignment" else self.group

    def nodes(self, olds: list[Node], news: list[Node], old_path: str, new_path: str) -> None:
        pairs = match(olds, news, key=lambda n: n.key, text=lambda n: n.full_text, score=_alike)
        ordered = in_order(pairs)
        report = self.report
        for i, j in pairs:
            if j is None:
                self.removed.append((olds[i], _join(old_path, olds[i].name)))
                continue
            if i is None:
                self.added.append((news[j], _join(new_path, news[j].name)))
                continue
            o, n = olds[i], news[j]
            o_where, n_where = _join(old_path, o.name), _join(new_path, n.name)
            group = self.group_of(n)
            if i not in ordered:
                was = o_where if o_where != n_where else f"{_place(olds, i)}; nay (now) {_place(news, j)}"
                report.add(group, MOVED, n_where, o.title, n.title, detail=f"trước là (was) {was}")
            elif o.label != n.label and n.kind not in LEAVES:
                report.add(group, RENUMBERED, n_where, o.title, n.title, detail=f"{o.label} → {n.label}")
            if n.kind == "table" and o.table is not None and n.table is not None:
                compare_tables(report, group, n_where, o.table, n.table)
            elif n.kind == "assignment" and o.key != n.key:
                report.add(group, REASSIGNED, n_where, new=" ¶ ".join(c.title for c in n.children) or n.title,
                           detail=f"{o.title} → {n.title}")
            elif o.title != n.title and i in ordered:
                report.add(group, CHANGED, n_where, o.title, n.title)
            self.nodes(o.children, n.children, o_where, n_where)

    def finish(self, old_tree: list[Node], new_tree: list[Node]) -> None:
        """Parts removed in one place and added in another: moved (a task: reassigned to another unit)."""
        report = self.report
        owners_old, owners_new = _owners(old_tree), _owners(new_tree)
        for r in list(self.removed):
            best = max(((similarity(_identity(r[0]), _identity(a[0])), a) for a in self.added
                        if a[0].kind == r[0].kind), default=(0.0, None), key=lambda x: x[0])
            if best[1] is None or best[0] < _SAME_TASK:
                continue
            a = best[1]
            self.removed.remove(r)
            self.added.remove(a)
            unit_from, unit_to = owners_old.get(id(r[0])), owners_new.get(id(a[0]))
            if unit_from and unit_to and unit_from != unit_to and self.group == "content":
                report.add("tasks", REASSIGNED, a[1], r[0].text, a[0].text,
                           detail=f"{unit_from} → {unit_to}; trước là (was) {r[1]}")
            else:
                report.add(self.group_of(a[0]), MOVED, a[1], r[0].text, a[0].text, detail=f"trước là (was) {r[1]}")
                if r[0].table is not None and a[0].table is not None:
                    compare_tables(report, self.group_of(a[0]), a[1], r[0].table, a[0].table)
        for node, where in self.removed:
            report.add(self.group_of(node), REMOVED, where, old=_whole(node))
        for node, where in self.added:
            report.add(self.group_of(node), ADDED, where, new=_whole(node))


def _place(siblings: list[Node], k: int) -> str:
    """Where a part stands among its siblings: after which one (a paragraph moved past a table)."""
    return f"sau (after) {siblings[k - 1].name}" if k else "đứng đầu (first)"


def _identity(node: Node) -> str:
    """What a part moved elsewhere is recognised by: its text (a table: everything in it)."""
    return node.full_text if node.table is not None else node.text


def _whole(node: Node) -> str:
    """What a report shows of a part added or removed as a whole."""
    if node.table is not None:
        return f"{node.title} ({len(node.table.rows)} hàng)"
    return node.text


def _tree(report: Report, group: str, old_tree: list[Node], new_tree: list[Node], old_path: str = "",
          new_path: str = "") -> None:
    tree = _Tree(report, group)
    tree.nodes(old_tree, new_tree, old_path, new_path)
    tree.finish(old_tree, new_tree)


def _content(report: Report, old: Plan, new: Plan) -> None:
    _tree(report, "content", outline(old), outline(new))


def _owners(nodes: list[Node], owner: str | None = None) -> dict[int, str]:
    """id(node) → heading of the assignment it belongs to."""
    out: dict[int, str] = {}
    for node in nodes:
        here = node.title if node.kind == "assignment" else owner
        if here:
            out[id(node)] = here
        out.update(_owners(node.children, here))
    return out


def _task_columns(plan: Plan) -> dict[str, str]:
    """Extra columns of the task table: key → header as printed."""
    return {c.key: c.header or c.key for a in plan.appendices if a.type == "tasks" for c in a.columns or []}


def _tasks(report: Report, old: Plan, new: Plan) -> None:
    def flat(plan: Plan) -> list[tuple[str, list[str], list[str], str, list[str], dict[str, str]]]:
        year = plan.year or 0
        return [(prose(" ".join(t.task)), list(t.lead), list(t.support),
                 "; ".join(blocks.timing_text(x, year) for x in t.timing), [prose(p) for p in t.product],
                 {k: "\n".join(prose(p) for p in v) for k, v in t.extra.items()})
                for g in plan.tasks for t in g.tasks]

    groups_old = [g.group for g in old.tasks if g.group]
    groups_new = [g.group for g in new.tasks if g.group]
    for i, j in match(groups_old, groups_new, key=lambda t: t, text=lambda t: t):
        where = f"nhóm {j + 1 if j is not None else (i or 0) + 1} (bảng nhiệm vụ)"
        _value(report, "tasks", where, groups_old[i] if i is not None else None,
               groups_new[j] if j is not None else None)
    headers = _task_columns(old) | _task_columns(new)
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
        for key in sorted(set(o[5]) | set(n[5]), key=lambda k: list(headers).index(k) if k in headers else 0):
            _value(report, "tasks", f"{where}, {headers.get(key, key)}", o[5].get(key), n[5].get(key))


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
    ordered = in_order(pairs)
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
    _value(report, "header", "loại văn bản (kind)", lo.kind, ln.kind)
    _value(report, "header", "số (number)", lo.number_line, ln.number_line)
    _value(report, "header", "địa danh, ngày (place and date)", lo.date_line, ln.date_line)
    _value(report, "header", "trích yếu (subject)", " ".join(lo.subject), " ".join(ln.subject))
    _value(report, "header", "cơ quan ban hành (issuing body)", " ".join(lo.agency), " ".join(ln.agency))
    _value(report, "header", "dòng kèm theo (attached to)", lo.attached_line, ln.attached_line)
    _list(report, "header", "kính gửi (addressees)", lo.addressees, ln.addressees)
    _value(report, "header", "thẩm quyền ban hành (authority)", lo.authority, ln.authority)
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


def _printed(plan: Plan, lay: blocks.Layout) -> list[tuple[Appendix, blocks.AppendixLayout]]:
    """The plan's appendices with their layouts, in printed order."""
    order = content.printed_order([a.placement == "after_signature" for a in plan.appendices])
    return [(plan.appendices[i], app) for i, app in zip(order, lay.appendices, strict=True)]


def _table_view(app: Appendix, lay: blocks.AppendixLayout) -> TableView:
    """The table of a table, budget or report appendix (budget: kh's STT; report: when it has one)."""
    if app.type == "table" and app.table is not None:
        return model_view(app.table)
    return view(lay.table, numbered=app.type == "budget" or (app.type == "report" and app.stt))


def _appendices(report: Report, old: Plan, new: Plan, lo: blocks.Layout, ln: blocks.Layout) -> None:
    olds, news = _printed(old, lo), _printed(new, ln)
    group = "appendices"

    def name(lay: blocks.AppendixLayout) -> str:
        return lay.label or lay.title.split("\n")[0]

    for i, j in match(olds, news, key=lambda x: x[1].title, text=lambda x: x[1].title):
        if j is None:
            report.add(group, REMOVED, name(olds[i][1]), old=olds[i][1].title)
            continue
        if i is None:
            report.add(group, ADDED, name(news[j][1]), new=news[j][1].title)
            continue
        (ma, a), (mb, b) = olds[i], news[j]
        where = name(b)
        if a.label and b.label and a.label != b.label:
            report.add(group, RENUMBERED, where, a.title, b.title, detail=f"{a.label} → {b.label}")
        _value(report, group, f"{where}: tên (title)", a.title, b.title)
        _value(report, group, f"{where}: loại (type)", ma.type, mb.type)
        if a.landscape != b.landscape:
            report.add(group, CHANGED, f"{where}: trang ngang (landscape)", _YES_NO[a.landscape], _YES_NO[b.landscape])
        if ma.type == mb.type == "content":
            _tree(report, group, appendix_outline(old, ma), appendix_outline(new, mb), name(a), where)
        elif "tasks" not in (ma.type, mb.type) and "content" not in (ma.type, mb.type):
            # (task rows are compared as tasks)
            compare_tables(report, group, f"{where} › bảng", _table_view(ma, a), _table_view(mb, b))
        _paras(report, group, where, [p.text for p in a.before + a.after], [p.text for p in b.before + b.after],
               "đoạn văn")


def compare(old: Plan, new: Plan, old_name: str = "OLD", new_name: str = "NEW") -> Report:
    """Everything a reviewer should see changed from ``old`` to ``new``."""
    report = Report(old_name, new_name)
    lo, ln = blocks.layout(old), blocks.layout(new)
    _header(report, old, new, lo, ln)
    _bases(report, old, new)
    _content(report, old, new)
    _tasks(report, old, new)
    _appendices(report, old, new, lo, ln)
    order = list(GROUPS)
    report.changes.sort(key=lambda c: order.index(c.group))
    return report
