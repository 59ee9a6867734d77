"""The section tree of a plan's body: labels ("I.", "1.", "2.1.", "a)", "-", "+", "*", Word's own
numbers) are read and dropped, nesting is kept, one list kind per section as the model wants,
clauses that each name a body become per-unit assignments, and every label kh will write
differently is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..lang import numbering
from . import refs, units
from .source import Para, Run, Table
from .text import Label, drop_chars, find_label, is_upper, markup, split_at_break, strip_runs

LETTER_RANK, DASH_RANK = 10, 20
_TERMINAL = re.compile(r"[.;:!?]$")


@dataclass
class _Node:
    kind: str                       # root, section, point, bullet
    rank: int
    data: dict[str, Any]
    para: Para | None = None
    label: Label | None = None
    children: list[_Node] = field(default_factory=list)


class SectionTree:
    """Body-tree part of the recogniser (mixed into :class:`Recogniser`, whose state it uses)."""

    def label_of(self, para: Para) -> tuple[Label, int] | None:
        """(label, characters to drop) from Word's numbering or the typed text."""
        text = para.plain.lstrip()
        lead = len(para.plain) - len(text)
        typed = find_label(text)
        if para.auto_label:
            auto = find_label(para.auto_label + " x")
            if auto is not None:
                if auto.kind == "dash" and para.auto_label == "+":
                    auto = Label("plus", "+", 0)
                drop = 0
                if typed and (typed.kind == auto.kind or {typed.kind, auto.kind} <= {"num", "roman"}):
                    self.report.fix(para.where, para.text, f"số gõ tay '{text[:typed.length].strip()}' sau số tự"
                                    f" động '{para.auto_label}' bị bỏ (typed number after an automatic one)")
                    drop = lead + typed.length
                return Label(auto.kind, auto.value, -1 - self.bullet_depth(para) if auto.kind == "dash" else 0), drop
        if typed:
            return typed, lead + typed.length
        return None

    def bullet_depth(self, para: Para) -> int:
        """Nesting of a Word bullet: its list level, or its place among the bullets' indents (bullets
        from different lists, e.g. styles "List Bullet" and "List Bullet 2", all at level 0)."""
        if not hasattr(self, "_bullet_indents"):
            self._bullet_indents = sorted({p.indent for p in self._paras_all()
                                           if p.auto_label and p.indent is not None
                                           and find_label(p.auto_label + " x") is not None
                                           and find_label(p.auto_label + " x").kind == "dash"})
        by_indent = self._bullet_indents.index(para.indent) if para.indent in self._bullet_indents else 0
        return max(para.auto_level, min(by_indent, 2))

    def rank(self, label: Label, stack: list[_Node]) -> int:
        if label.kind == "roman":
            return 1
        if label.kind == "num":
            parts = label.parts
            if len(parts) >= 2:
                open_secs = [n for n in stack if n.kind == "section"]
                top_num = open_secs[0].data.get("_n") if open_secs else None
                child = open_secs[1].data.get("_n") if len(open_secs) > 1 else None
                if top_num == parts[0] and child != parts[0]:
                    return len(parts)
                return len(parts) + 1
            return 2
        if label.kind == "letter":
            return LETTER_RANK
        if label.kind == "dash":
            return DASH_RANK + (-label.length - 1 if label.length < 0 else 0)
        if label.kind == "plus":
            return DASH_RANK + 1
        if label.kind == "star":
            return DASH_RANK + 2
        return 99

    def heading_without_number(self, para: Para) -> int | None:
        """Rank of a bold (or IN HOA) paragraph without a number that stands as a heading."""
        text = para.text
        if len(text.split()) > 20 or text.endswith((".", ";", ",")) or refs.is_basis(text):
            return None
        if is_upper(text) and (para.bold or not self.doc.formatted):
            return 1
        if self.doc.formatted and para.bold and not para.italic:
            return 2
        return None

    def build_content(self, items: list[Para | Table]) -> list[Any]:
        """The ``body:`` of a content appendix: its paragraphs, sections, lists and tables in order."""
        root = _Node("section", 0, {})
        self.build_tree(items, root)
        return _body_section(root.data, root.data.get("_seq", []))["body"]

    def build_tree(self, paras: list[Para | Table], root: _Node | None = None) -> list[dict[str, Any]]:
        """The sections of the body ``paras`` (paragraphs and tables in order); a section whose
        content is not in the shorthand's order (text, sub-sections, one list kind), or holds a
        table, is written as ``body:`` blocks in the order read. ``root``: a content appendix's
        (its text before the first section is its own, not the plan's lead-in)."""
        from .grid import table_data

        appendix = root is not None
        root = root or _Node("root", 0, {"sections": []})
        stack: list[_Node] = [root]
        labelled = [(p, self.label_of(p) if isinstance(p, Para) else None) for p in paras]
        has_top = any(lab and lab[0].kind == "roman" for _, lab in labelled) or any(
            not lab and isinstance(p, Para) and self.heading_without_number(p) == 1 for p, lab in labelled)
        intro: list[str] = self.plan.setdefault("intro", [])
        for para, lab in labelled:
            if isinstance(para, Table):
                while len(stack) > 1 and stack[-1].kind != "section":
                    stack.pop()
                data = table_data(self, para, bool(self.doc.landscape.get(para.section)))
                if stack[-1].kind == "root":
                    self.intro_tables.append((para, data))
                else:
                    _seq(stack[-1], "table", data)
                continue
            if lab is None:
                if appendix and para.new_page:    # a new page of the appendix: out of the sections
                    del stack[1:]
                hrank = None if appendix else self.heading_without_number(para)
                if hrank is not None and (hrank == 1 or len(stack) > 1):
                    title = self.casing.sentence(markup(strip_runs(para.runs), plain=True))
                    self.open_section(stack, hrank if has_top else 1, title, None, para, None)
                    self.report.fix(para.where, para.text, "tiêu đề không số: kh đánh số (heading without a number)")
                    continue
                text = self.content(para)
                if stack[-1].kind == "root":
                    intro.append(text)
                    self.mark(para)
                    if not self.plan.get("sections"):
                        self.report.recognised.setdefault("câu dẫn (lead-in)", []).append(para.text[:60])
                    continue
                if stack[-1].kind in ("point", "bullet") and self.doc.formatted:
                    while len(stack) > 1 and stack[-1].kind != "section":   # after a list: the section's
                        stack.pop()
                self.append_text(stack[-1], text, para)
                continue
            label, drop = lab
            rank = self.rank(label, stack)
            if not has_top and label.kind == "num":
                rank -= 1
            if label.kind == "roman" or (label.kind == "num" and rank < LETTER_RANK):
                while len(stack) > 1 and stack[-1].rank >= rank:
                    stack.pop()
                if rank > 1 and stack[-1].kind == "root":
                    rank = 1
                content = strip_runs(drop_chars(para.runs, drop))
                self.open_section(stack, rank, None, content, para, label)
                continue
            if stack[-1].kind == "root":   # a list item before the first section: lead-in text as written
                intro.append(markup(strip_runs(para.runs)))
                self.mark(para, "free_text")
                self.report.free(para.where, para.text, "mục danh sách trước mục I (list item before section I)")
                continue
            while len(stack) > 1 and stack[-1].rank >= rank:
                stack.pop()
            parent = stack[-1]
            text = self.content(para, drop)
            kind = "point" if label.kind == "letter" else "bullet"
            node = _Node(kind, rank, {"text": [text]}, para, label)
            if parent.kind == "section":
                key = "points" if kind == "point" else "bullets"
                self.add_list_item(parent, key, node)
            elif parent.kind == "point" and kind == "bullet":
                parent.data.setdefault("bullets", []).append(node.data)
                parent.children.append(node)
            elif parent.kind == "bullet" and kind == "bullet":
                parent.data.setdefault("bullets", []).append(node.data)
                parent.children.append(node)
            else:   # a point under a bullet: no place in the model, keep its words
                self.append_text(parent, markup(strip_runs(para.runs)), para, free=True)
                continue
            self.mark(para)
            stack.append(node)
        self.convert_assignments(root)
        self.check_labels(root)
        return [_clean_section(n.data) for n in root.children]

    def open_section(self, stack: list[_Node], rank: int, title: str | None, content: list[Run] | None,
                     para: Para, label: Label | None) -> None:
        while len(stack) > 1 and stack[-1].rank >= rank:
            stack.pop()
        parent = stack[-1]
        if parent.kind in ("point", "bullet"):
            while len(stack) > 1 and stack[-1].kind != "section":
                stack.pop()
            parent = stack[-1]
        data: dict[str, Any] = {"_n": label.parts[-1] if label and label.kind == "num" else
                                _roman_value(label.value) if label and label.kind == "roman" else None}
        cut = split_at_break(content) if content is not None and self.doc.formatted else None
        if cut is not None and all(r.bold for r in cut[0] if r.note is None and r.text.strip()) \
                and any(r.text.strip() for r in cut[0]) and any(r.text.strip() for r in cut[1]):
            content, rest = strip_runs(cut[0]), strip_runs(cut[1])   # a bold run-in title, a break, its text
            lines = [strip_runs(part) for part in _lines(rest)]
            data["text"] = [markup(line) for line in lines if line]
            for text in data["text"]:
                _seq_raw(data, "text", text)
            self.report.fix(para.where, para.text, "tiêu đề và lời văn sau ngắt dòng mềm: thành tiêu đề và đoạn văn"
                            " (a bold title before a soft line break becomes the title, the rest its text)")
        if content is not None:
            plain_text = " ".join("".join(r.text for r in content if r.note is None).split())
            is_title = self.is_title(content, plain_text, rank, label)
            if is_title:
                title = plain_text
                if rank == 1 and ": " in plain_text and is_upper(plain_text.split(": ")[0]):
                    title, rest_text = plain_text.split(": ", 1)
                    data["text"] = [rest_text]
                    _seq_raw(data, "text", rest_text)
                    self.report.fix(para.where, para.text, "tiêu đề mục I và lời văn tách hai dòng"
                                    " (Roman heading is a line of its own)")
                notes = [r for r in content if r.note is not None]
                if notes:
                    title = markup([Run(title)] + notes, plain=True)
                title = title.rstrip(":").rstrip(",").strip() if rank == 1 else title
                if rank == 1 and plain_text.endswith((",", ":")):
                    self.report.fix(para.where, para.text, "bỏ dấu câu cuối tiêu đề (stray punctuation)")
            else:
                first = markup(content)
                data["text"] = [first, *data.get("text", [])]
                data["_seq"] = [("text", first), *data.get("_seq", [])]
        if title is not None:
            data["title"] = self.casing.sentence(title) if rank == 1 else title
        if label is not None and label.kind == "num" and len(label.parts) >= 2 and rank == 2 \
                and parent.kind == "section" and parent.data.get("_n") == label.parts[0]:
            parent.data["numbering"] = "decimal"   # "2.1." under "II."
        node = _Node("section", rank, data, para, label)
        if parent.kind == "root" and getattr(self, "top_label", None) is None:
            self.top_label = label.kind if label is not None else "roman"    # how the top level is numbered
        if parent.kind == "root":
            parent.data["sections"].append(data)
            parent.children.append(node)
        else:
            self.add_list_item(parent, "sections", node)
        self.mark(para)
        stack.append(node)

    def is_title(self, content: list[Run], plain_text: str, rank: int, label: Label | None = None) -> bool:
        """A heading of its own line (the title), not a numbered paragraph: a Roman heading always; a
        top-level "1." heading unless it reads as a clause ("1. Ông …, Trưởng đoàn;")."""
        if rank == 1 and (label is None or label.kind == "roman" or not (
                _TERMINAL.search(plain_text) and not plain_text.endswith(":"))):
            return True
        visible = [r for r in content if r.note is None and r.text.strip()]
        if self.doc.formatted and any(r.bold for r in visible):
            return all(r.bold for r in visible)
        short = len(plain_text.split()) <= 30 and (not _TERMINAL.search(plain_text) or (
            plain_text.endswith(":") and len(plain_text.split()) <= 12))
        return bool(plain_text) and short and not plain_text[:1].islower() and not self.doc.formatted

    def add_list_item(self, parent: _Node, key: str, node: _Node) -> None:
        """``node`` as the next item of ``parent`` (in the order read: several list kinds in one
        section make it a ``body:``)."""
        parent.data.setdefault(key, []).append(node.data)
        parent.children.append(node)
        _seq(parent, key, node.data)

    def append_text(self, node: _Node, text: str, para: Para, free: bool = False) -> None:
        node.data.setdefault("text", []).append(text)
        if node.kind == "section":
            _seq(node, "text", text)
        self.mark(para, "free_text" if free else "structured")
        if free:
            self.report.free(para.where, para.text, "giữ nguyên lời văn (kept as written)")

    def convert_assignments(self, root: _Node) -> None:
        """Sections whose clauses (or points) each name a body become per-unit assignments."""
        def walk(node: _Node, depth: int) -> None:
            for child in node.children:
                if child.kind == "section":
                    walk(child, depth + 1)
            if node.kind != "section" or not re.search(r"thực hiện|phân công|trách nhiệm|nhiệm vụ",
                                                         str(node.data.get("title", "")), re.I):
                return
            kids = node.children
            if not kids:
                return
            if depth == 1 and all(k.kind == "section" and k.data.get("title") and not k.data.get("sections")
                                  and not k.data.get("points") and units.looks_like_unit(k.data["title"])
                                  for k in kids):
                headings = [k.data["title"] for k in kids]
                parts = [(k.data.get("text", []), k.data.get("bullets", [])) for k in kids]
                node.data["sections"] = []
            elif depth >= 2 and all(k.kind == "point" and units.looks_like_unit(k.data["text"][0]) for k in kids):
                headings = [k.data["text"][0] for k in kids]
                parts = [(k.data["text"][1:], k.data.get("bullets", [])) for k in kids]
                node.data["points"] = []
            else:
                return
            if all(h.endswith(":") for h in headings):
                node.data["assignment_colon"] = True
            node.data["assignments"] = [self.assignment(h.rstrip(":").strip(), text, tasks)
                                        for h, (text, tasks) in zip(headings, parts, strict=True)]
            seq = node.data.get("_seq", [])
            first = next(i for i, (k, _) in enumerate(seq) if k in ("sections", "points"))
            node.data["_seq"] = [e for e in seq[:first] if e[0] not in ("sections", "points")] + \
                [("assignments", node.data["assignments"])] + \
                [e for e in seq[first:] if e[0] not in ("sections", "points")]
            self.report.recognised.setdefault("phân công (assignments)", []).append(
                f"{node.data.get('title')}: " + "; ".join(", ".join(a["unit"]) for a in node.data["assignments"]))

        walk(root, 0)

    def assignment(self, heading: str, text: list[str], tasks: list[Any]) -> dict[str, Any]:
        body, word = units.split_request(heading)
        names = units.split_units(body)
        for n in names:
            self.org.units.setdefault(n, False)
            if word:
                self.org.units[n] = True
        if word:
            self.org.request_word = self.org.request_word or word
        out: dict[str, Any] = {"unit": names}
        if word:
            out["request"] = True
        if text:
            out["text"] = text
        if tasks:
            out["tasks"] = tasks
        return out

    def check_labels(self, root: _Node) -> None:
        """Report every label kh writes differently (a letter used twice, 'đ' skipped, '4.1.' → '1.')."""
        def walk(node: _Node, path: tuple[int, ...], full: bool = False) -> None:
            sections = [c for c in node.children if c.kind == "section"]
            for i, c in enumerate(sections, start=1):
                if not path:
                    full = c.data.get("numbering") == "decimal"
                if c.label is not None:
                    want = numbering.section_label(path + (i,), decimal=len(path) + 1 >= 3, full=full)
                    found = f"{c.label.value}." if c.label.kind in ("roman", "num") else c.label.value
                    if found.rstrip(".") != want.rstrip("."):
                        self.report.fix(c.para.where, c.para.text, f"số '{found}' → '{want}'")
                walk(c, path + (i,), full)
            points = [c for c in node.children if c.kind == "point"]
            for i, c in enumerate(points, start=1):
                want = numbering.point_letter(i)
                if c.label is not None and c.label.value != want:
                    self.report.fix(c.para.where, c.para.text, f"chữ cái '{c.label.value})' → '{want})'")
                walk(c, path)
            for c in node.children:
                if c.kind == "bullet":
                    if c.label is not None and c.label.kind == "star":
                        self.report.fix(c.para.where, c.para.text, "'*' → '+'")
                    walk(c, path)

        walk(root, ())


def _roman_value(value: str) -> int:
    total, prev = 0, 0
    for ch in reversed(value):
        v = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}.get(ch, 0)
        total, prev = (total - v, prev) if v < prev else (total + v, v)
    return total


def _lines(runs: list[Run]) -> list[list[Run]]:
    """``runs`` cut at every soft line break."""
    out: list[list[Run]] = []
    while True:
        cut = split_at_break(runs)
        if cut is None:
            return [*out, runs]
        out.append(cut[0])
        runs = cut[1]


def _seq(node: _Node, kind: str, value: Any) -> None:
    _seq_raw(node.data, kind, value)


def _seq_raw(data: dict[str, Any], kind: str, value: Any) -> None:
    """Record ``value`` (of ``kind``: text, sections, points, bullets, table, assignments) as the
    next thing in the section's content, in the order read."""
    data.setdefault("_seq", []).append((kind, value))


#: The shorthand's order: text, then sub-sections, then one list kind.
_SHORTHAND_RANK = {"text": 0, "sections": 1, "points": 2, "bullets": 2, "assignments": 2}


def _shorthand(seq: list[tuple[str, Any]]) -> bool:
    """True when the shorthand keys print ``seq`` in the order read."""
    kinds = [k for k, _ in seq]
    if "table" in kinds or len({k for k in kinds if _SHORTHAND_RANK.get(k) == 2}) > 1:
        return False
    ranks = [_SHORTHAND_RANK[k] for k in kinds]
    return ranks == sorted(ranks)


def _clean_section(data: dict[str, Any]) -> dict[str, Any]:
    seq = data.get("_seq", [])
    if not _shorthand(seq):
        return _body_section(data, seq)
    out: dict[str, Any] = {}
    for key in ("title", "numbering", "assignment_colon", "text", "sections", "points", "bullets", "assignments"):
        value = data.get(key)
        if not value:
            continue
        if key == "sections":
            value = [_clean_section(s) for s in value]
        elif key in ("points", "bullets"):
            value = [_clean_item(x) for x in value]
        elif key == "assignments":
            value = [_clean_assignment(a) for a in value]
        elif key == "text" and len(value) == 1:
            value = value[0]
        out[key] = value
    return out


def _body_section(data: dict[str, Any], seq: list[tuple[str, Any]]) -> dict[str, Any]:
    """A section written as ``body:``: its blocks in the order read."""
    out: dict[str, Any] = {k: data[k] for k in ("title", "numbering") if data.get(k)}
    body: list[Any] = []
    for kind, value in seq:
        if kind == "text":
            body.append(value)
        elif kind == "sections":
            body.append(_clean_section(value))
        elif kind in ("points", "bullets"):
            if body and isinstance(body[-1], dict) and list(body[-1]) == [kind]:
                body[-1][kind].append(_clean_item(value))
            else:
                body.append({kind: [_clean_item(value)]})
        elif kind == "table":
            body.append({"table": value})
        elif kind == "assignments":
            block: dict[str, Any] = {"assignments": [_clean_assignment(a) for a in value]}
            if data.get("assignment_colon"):
                block["assignment_colon"] = True
            body.append(block)
    out["body"] = body
    return out


def _clean_item(data: dict[str, Any]) -> Any:
    text = data.get("text", [])
    bullets = [_clean_item(b) for b in data.get("bullets", [])]
    if not bullets and len(text) == 1:
        return text[0]
    out: dict[str, Any] = {"text": text[0] if len(text) == 1 else text}
    if bullets:
        out["bullets"] = bullets
    return out


def _clean_assignment(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    if out.get("text") and len(out["text"]) == 1:
        out["text"] = out["text"][0]
    if out.get("tasks"):
        out["tasks"] = [_clean_item(t) for t in out["tasks"]]
    return out
