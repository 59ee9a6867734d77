"""Comments of ruamel.yaml round-trip data: where they are kept, and moving them so they are written.

ruamel keeps comments in the ``.ca`` of the collection holding a node (version-0 layout):

* mapping entry ``k``: ``ca.items[k] = [after key, [before key], after value, [between key and value]]``
* list item ``i``: ``ca.items[i] = [after item, [before item]]``
* a collection: ``ca.comment = [end of line after its opening, [before it]]`` (the root: the file's
  first comments)

"After" is one token: an end-of-line comment (or a bare line break), then whole lines (comments and
blank lines) up to the next node; after a block scalar (``>-``, ``|``) only whole lines, its header
comment (``key: >-  # x``) being the string in the "between" slot (and the scalar's ``.comment``).
The emitter writes "after" tokens, the root's "before" list and the "between" list of a block
collection; it drops the "before" lists of entries, the "between" list of a scalar, and a block
scalar's header inside a list breaks it (see :mod:`generator.yamlio.comment_emitter`). :func:`settle`
moves every comment to a place that is written; :func:`before` and :func:`append_lines` are how a
comment is moved (reordering keys, restyling a value, putting back comments the loader did not keep:
:mod:`generator.yamlio.comment_attach`).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from .comment_emitter import Header
from .comment_scan import Comment

Node = CommentedMap | CommentedSeq
Slot = tuple[Any, Any, int]
#: (collection, key or index) from the root down to a node.
Parents = list[tuple[Node, Any]]


# ------------------------------------------------------------------ slots
def is_block_scalar(value: Any) -> bool:
    return isinstance(value, (FoldedScalarString, LiteralScalarString))


def is_block_collection(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not value.fa.flow_style()


def keys_of(node: Node) -> list[Any]:
    return list(node) if isinstance(node, CommentedMap) else list(range(len(node)))


def after_slot(node: Node, key: Any) -> Slot:
    """The "after" slot of ``node[key]`` itself (for a block collection: the end of its key's line)."""
    return node, key, 2 if isinstance(node, CommentedMap) else 0


def tail_slot(node: Node, key: Any) -> Slot:
    """Where ruamel keeps the comments that follow ``node[key]`` (the deepest last item of a block collection)."""
    value = node[key]
    if is_block_collection(value):
        return tail_slot(value, keys_of(value)[-1])
    return after_slot(node, key)


def slot_value(slot: Slot) -> Any:
    node, key, _ = slot
    return node[key]


def get_token(slot: Slot) -> Any:
    node, key, index = slot
    entry = node.ca.items.get(key)
    return entry[index] if entry is not None and len(entry) > index else None


def set_token(slot: Slot, token: Any) -> None:
    node, key, index = slot
    entry = node.ca.items.get(key)
    if entry is None:
        if token is None:
            return
        entry = node.ca.items[key] = [None, None, None, None]
    while len(entry) <= index:
        entry.append(None)
    entry[index] = token


def new_token(text: str, column: int = 0) -> CommentToken:
    return CommentToken(text, CommentMark(column), None)


def split_after(slot: Slot) -> tuple[tuple[str, int] | None, str]:
    """The "after" text of a slot as (end-of-line comment and its column, or None; following whole lines)."""
    return split_token(get_token(slot), is_block_scalar(slot_value(slot)))


def split_token(token: Any, block: bool) -> tuple[tuple[str, int] | None, str]:
    """An "after" token (of a block scalar when ``block``) as (end-of-line comment, column; whole lines)."""
    if token is None or not token.value:
        return None, ""
    value = token.value
    column = token.start_mark.column if token.start_mark is not None else 0
    if block:
        return None, (" " * column + value if value.startswith("#") else value)
    if value.startswith("#"):
        cut = value.find("\n")
        first, rest = (value, "") if cut < 0 else (value[:cut], value[cut + 1:])
        return (first.rstrip(), column), rest
    return None, value[1:] if value.startswith("\n") else value


def join_after(slot: Slot, eol: tuple[str, int] | None, lines: str) -> None:
    """Set a slot's "after" text from an end-of-line comment (ignored after a block scalar) and whole lines."""
    if lines and not lines.endswith("\n"):
        lines += "\n"
    if is_block_scalar(slot_value(slot)):
        set_token(slot, new_token(lines) if lines else None)
        return
    if eol is None and not lines:
        set_token(slot, None)
        return
    text = (eol[0] + "\n" if eol else "\n") + lines
    set_token(slot, new_token(text, eol[1] if eol else 0))


def append_lines(slot: Slot, lines: str) -> None:
    """Whole lines (comments, blank lines) written after the node of ``slot``."""
    if not lines:
        return
    eol, rest = split_after(slot)
    join_after(slot, eol, rest + lines if rest.endswith("\n") or not rest else rest + "\n" + lines)


def add_comment(slot: Slot, comment: Comment, same_line: bool) -> None:
    """One comment after the node of ``slot``: on its line when it was on that line and the place is free."""
    eol, rest = split_after(slot)
    value = slot_value(slot)
    if same_line and not rest and eol is None:
        if is_block_scalar(value):
            if not header_of(slot[0], slot[1]):
                set_header(slot[0], slot[1], "  " + comment.text)
                return
        else:
            join_after(slot, (comment.text, comment.column), "")
            return
    append_lines(slot, " " * comment.indent + comment.text + "\n")


def token_lines(token: Any) -> str:
    """A "before" token as whole lines (its first line indented to its column)."""
    if isinstance(token, str):
        return ""
    value = token.value or ""
    column = token.start_mark.column if token.start_mark is not None else 0
    if value.startswith("#"):
        value = " " * column + value
    return value if value.endswith("\n") else value + "\n"


# ------------------------------------------------------------------ block scalar header
def header_of(node: Node, key: Any) -> str | None:
    """The header comment of the block scalar ``node[key]`` (``"  # x"``), if any."""
    entry = node.ca.items.get(key)
    index = 3 if isinstance(node, CommentedMap) else 1
    if entry is not None and len(entry) > index and entry[index]:
        for item in entry[index]:
            if isinstance(item, str):
                return item
    return getattr(node[key], "comment", None) or None


def set_header(node: Node, key: Any, header: str | None) -> None:
    """Give the block scalar ``node[key]`` the header comment ``header`` (None: none)."""
    value = node[key]
    header = Header(header) if header else None
    if is_block_scalar(value):
        value.comment = header            # type: ignore[attr-defined]
    index = 3 if isinstance(node, CommentedMap) else 1
    entry = node.ca.items.get(key)
    kept = [c for c in (entry[index] if entry is not None and len(entry) > index and entry[index] else [])
            if not isinstance(c, str)]
    if header:
        kept.insert(0, header)
    slot = (node, key, index)
    if kept or get_token(slot) is not None:
        set_token(slot, kept or None)


def restyle(node: Node, key: Any, old: Any, new: Any) -> None:
    """Move the comments of ``node[key]`` when its value changes from ``old`` to ``new`` (already set).

    A header comment becomes the end-of-line comment of a value that is no longer a block scalar,
    and the other way round; whole lines after the value stay after it.
    """
    old_block, new_block = is_block_scalar(old), is_block_scalar(new)
    slot = after_slot(node, key)
    if old_block and new_block:
        header = getattr(old, "comment", None) or header_of(node, key)
        if header and not getattr(new, "comment", None):
            set_header(node, key, header)
        return
    if old_block == new_block:
        return
    eol, lines = split_token(get_token(slot), old_block)
    if old_block:             # the header becomes the end-of-line comment; lines after the block stay
        header = getattr(old, "comment", None)
        entry = node.ca.items.get(key)
        index = 3 if isinstance(node, CommentedMap) else 1
        if entry is not None and len(entry) > index and entry[index]:
            header = header or next((c for c in entry[index] if isinstance(c, str)), None)
            rest = [c for c in entry[index] if not isinstance(c, str)]
            entry[index] = rest or None
        join_after(slot, (header.strip(), 0) if header else None, lines)
    else:                     # the end-of-line comment becomes the header
        set_token(slot, None)
        if eol is not None:
            set_header(node, key, "  " + eol[0])
        join_after(slot, None, lines)


# ------------------------------------------------------------------ moving comments before a node
def before(parents: Parents, node: Node, key: Any, lines: str) -> None:
    """Whole lines written just before the entry ``node[key]`` (``parents``: the path to ``node``)."""
    if not lines:
        return
    keys = keys_of(node)
    i = keys.index(key)
    if i > 0:
        append_lines(tail_slot(node, keys[i - 1]), lines)
    else:
        before_collection(parents, node, lines)


def before_collection(parents: Parents, node: Node, lines: str, *, first: bool = False) -> None:
    """Whole lines written just before the first entry of the collection ``node`` (at the very top of
    the file when ``first`` and ``node`` is the root)."""
    if not parents:                       # the root: the file's first comments
        comment = node.ca.comment
        if comment is None:
            node.ca.comment = comment = [None, []]
        while len(comment) < 2:
            comment.append(None)
        if comment[1] is None:
            comment[1] = []
        comment[1].insert(0 if first else len(comment[1]), new_token(lines))
        return
    parent, key = parents[-1]
    if isinstance(parent, CommentedSeq) or not is_block_collection(node):
        before(parents[:-1], parent, key, lines)
        return
    entry = parent.ca.items.get(key)
    if entry is None:
        entry = parent.ca.items[key] = [None, None, None, None]
    own = node.ca.comment
    between = entry[3] if entry[3] is not None else (own[1] if own and own[1] else [])
    between = [*between, new_token(lines)]
    entry[3] = between
    node.ca.comment = [own[0] if own else None, between]


def dedent(lines: str, n: int) -> str:
    """``lines`` moved ``n`` columns left, when every line that is not blank has that much indentation."""
    rows = lines.splitlines(keepends=True)
    if any(row.strip() and not row.startswith(" " * n) for row in rows):
        return lines
    return "".join(row[n:] if row.strip() else row for row in rows)


# ------------------------------------------------------------------ settle
def settle(data: Any) -> None:
    """Move every comment ruamel's emitter would drop to a place it writes (see the module docstring)."""
    _settle(data, [])


def _settle(node: Any, parents: Parents) -> None:
    if not isinstance(node, (CommentedMap, CommentedSeq)):
        return
    is_map = isinstance(node, CommentedMap)
    for key in keys_of(node):
        entry = node.ca.items.get(key)
        value = node[key]
        if entry is not None:
            if is_map and entry[0] is not None:     # after an explicit key (``? key  # x``): above it
                before(parents, node, key, token_lines(entry[0]))
                entry[0] = None
            pre = entry[1] if len(entry) > 1 else None
            if pre:
                headers = [Header(c) for c in pre if isinstance(c, str)]
                lines = "".join(token_lines(c) for c in pre if not isinstance(c, str))
                entry[1] = None if is_map or not headers else headers[:1]
                if is_map and headers and is_block_scalar(value):
                    set_header(node, key, headers[0])
                before(parents, node, key, lines)
            if is_map and len(entry) > 3 and entry[3] and not is_block_collection(value):
                headers = [Header(c) for c in entry[3] if isinstance(c, str)]
                lines = "".join(token_lines(c) for c in entry[3] if not isinstance(c, str))
                entry[3] = headers[:1] or None
                before(parents, node, key, lines)
        if is_block_scalar(value):
            header = header_of(node, key)
            if header and not isinstance(getattr(value, "comment", None), Header):
                set_header(node, key, header)
        _settle(value, [*parents, (node, key)])


def detach_outdented(node: Node, key: Any) -> str:
    """Take from after ``node[key]`` (the last entry) the lines indented less than its key, and all
    after them (with the blank lines just before): what follows the collection, not the entry."""
    column = position(node, key)[1]
    slot = tail_slot(node, key)
    eol, lines = split_after(slot)
    rows = lines.splitlines(keepends=True)
    cut = next((i for i, row in enumerate(rows)
                if row.strip() and len(row) - len(row.lstrip(" ")) < column), None)
    if cut is None:
        return ""
    while cut > 0 and not rows[cut - 1].strip():
        cut -= 1
    join_after(slot, eol, "".join(rows[:cut]))
    return "".join(rows[cut:])


def make_block(parents: Parents, node: Node) -> None:
    """Write the flow collection ``node`` in block style. The comments after it (kept by its parent, as
    for any flow value) move to its last item: left where they are they would come right after the
    key, above the items (or, after a list dash, break the list)."""
    if not node.fa.flow_style() or not len(node):
        return                            # an empty collection is written [] or {} whatever its style
    node.fa.set_block_style()
    if not parents:
        return
    parent, key = parents[-1]
    slot = after_slot(parent, key)
    eol, lines = split_after(slot)
    if eol is None and not lines:
        return
    set_token(slot, None)
    tail = tail_slot(node, keys_of(node)[-1])
    own, rest = split_after(tail)
    if own is None and not rest:
        join_after(tail, eol, lines)
    else:
        append_lines(tail, (" " * eol[1] + eol[0] + "\n" if eol else "") + lines)


def position(node: Node, key: Any) -> tuple[int, int]:
    """0-based (line, column) where ``node[key]`` starts in the loaded text ((-1, -1) if unknown)."""
    try:
        line, col = node.lc.key(key) if isinstance(node, CommentedMap) else node.lc.item(key)
        return int(line), int(col)
    except (AttributeError, KeyError, IndexError, TypeError):
        return (-1, -1)
