"""Comments that ruamel.yaml's loader did not keep, put on the loaded data by their position.

Two kinds: those :mod:`generator.yamlio.comment_text` took out of flow collections before loading
(the collection becomes a block one, each comment on its item), and those the loader dropped where
two comments met in one of its slots (found by comparing the comment texts of the text with those kept
in the data).
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.tokens import CommentToken

from .comment_scan import Comment, FlowSpan
from .comment_slots import (
    Node,
    Parents,
    add_comment,
    after_slot,
    append_lines,
    before,
    before_collection,
    is_block_collection,
    is_block_scalar,
    keys_of,
    make_block,
    position,
    tail_slot,
)


def attach_flow_comments(data: Any, flow: list[tuple[FlowSpan, Comment]]) -> list[Comment]:
    """Put comments taken out of flow collections on their items, turning those collections into block
    ones (each comment after the item before it; on that item's line if it was). Returns the comments
    whose collection was not found."""
    if not flow:
        return []
    where: dict[tuple[int, int], tuple[Node, Parents]] = {}
    _index(data, [], where)
    missing: list[Comment] = []
    for span, comment in sorted(flow, key=lambda sc: sc[1].offset):
        found = where.get((span.line, span.column))
        if found is None:
            missing.append(comment)
            continue
        node, parents = found
        for depth in range(len(parents) + 1):
            make_block(parents[:depth], parents[depth][0] if depth < len(parents) else node)
        here = (comment.line - 1, comment.column)
        prev = None
        for key in keys_of(node):
            if position(node, key) < here:
                prev = key
        if prev is None:
            before_collection(parents, node, " " * comment.indent + comment.text + "\n")
        else:
            same = position(node, prev)[0] == here[0]
            add_comment(tail_slot(node, prev), comment, same)
    return missing


def stored(data: Any) -> Counter[str]:
    """The comment texts kept anywhere in round-trip ``data`` (tokens, header strings)."""
    found: Counter[str] = Counter()
    seen: set[int] = set()        # a token or list may sit in two places (a key's slot and its value's)

    def take(value: Any) -> None:
        if isinstance(value, (CommentToken, list)):
            if id(value) in seen:
                return
            seen.add(id(value))
        if isinstance(value, CommentToken):
            value = value.value
        if isinstance(value, str):
            found.update(row.strip() for row in value.splitlines() if row.strip().startswith("#"))
        elif isinstance(value, (list, tuple)):
            for item in value:
                take(item)

    def walk(node: Any) -> None:
        if isinstance(node, (CommentedMap, CommentedSeq)):
            take(node.ca.comment)
            take(node.ca.end)
            for key in keys_of(node):
                entry = node.ca.items.get(key)
                take(entry)
                value = node[key]
                in_slots = any(isinstance(c, str) for part in (entry or []) if isinstance(part, list) for c in part)
                if is_block_scalar(value) and not in_slots:
                    take(getattr(value, "comment", None))
                walk(value)

    walk(data)
    return found


def attach_orphans(data: Any, comments: list[Comment]) -> list[Comment]:
    """Put back comments of the loaded text that ruamel's loader dropped (two comments meeting in one of
    its slots): on the line of the node they were on, else before the next node. Returns the ones
    left (a document that is not a collection)."""
    have = stored(data)
    orphans: list[Comment] = []
    for comment in reversed(comments):
        if have[comment.text] > 0:
            have[comment.text] -= 1
        else:
            orphans.append(comment)
    if not orphans or not isinstance(data, (CommentedMap, CommentedSeq)) or not len(data):
        return orphans
    entries: list[tuple[tuple[int, int], Parents, Node, Any]] = []
    _entries(data, [], entries)
    starts = [e[0] for e in entries]
    for comment in sorted(orphans, key=lambda c: c.offset):
        here = (comment.line - 1, comment.column)
        k = bisect.bisect_left(starts, here)
        prev = entries[k - 1] if k > 0 else None
        if prev is not None and prev[0][0] == here[0] and comment.column > comment.indent:
            _, _, node, key = prev                 # on the line of a node: after it
            value = node[key]
            slot = after_slot(node, key) if is_block_collection(value) else tail_slot(node, key)
            add_comment(slot, comment, same_line=True)
        elif k < len(entries):
            _, parents, node, key = entries[k]
            before(parents, node, key, " " * comment.indent + comment.text + "\n")
        else:
            keys = keys_of(data)
            append_lines(tail_slot(data, keys[-1]), " " * comment.indent + comment.text + "\n")
    return []


def _entries(node: Node, parents: Parents, out: list[tuple[tuple[int, int], Parents, Node, Any]]) -> None:
    """(line, column) of every entry of block collections, in document order (flow ones are one node)."""
    for key in keys_of(node):
        out.append((position(node, key), parents, node, key))
        value = node[key]
        if is_block_collection(value):
            _entries(value, [*parents, (node, key)], out)




def _index(node: Any, parents: Parents, where: dict[tuple[int, int], tuple[Node, Parents]]) -> None:
    if not isinstance(node, (CommentedMap, CommentedSeq)):
        return
    if (node.fa.flow_style() or not len(node)) and node.lc.line is not None:
        where[(node.lc.line, node.lc.col)] = (node, parents)
    for key in keys_of(node):
        _index(node[key], [*parents, (node, key)], where)
