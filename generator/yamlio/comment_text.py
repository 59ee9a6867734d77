"""Comments that ruamel.yaml's loader would drop or misplace, taken out of a YAML text before loading.

ruamel.yaml keeps most comments in round trip, but not all (each a known gap of its loader):

* comments between a key (or a list dash) and a value that starts on a later line collide with the
  value's own end-of-line comment (one of them dropped, or "overlap in comment" on valid YAML);
* comments inside flow mappings (``{a: 1,  # x``) are dropped, those inside flow lists are kept in
  a slot its emitter never writes;
* comments after a document end marker (``...``), and before a start marker (``---``), are dropped;
* a tab before a comment is refused.

:func:`prepare` rewrites only comments (never data): comments between an indicator and its value
move, as full lines, above the indicator's line; comments inside flow collections are taken out
(their lines kept) and handed back with their positions, to be put on the collection's items once
it is loaded (:func:`generator.yamlio.comment_attach.attach_flow_comments`); the end marker and what
follows it are cut off as a trailer to be written back after the dump (the start marker and what
precedes it as a header).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import yaml

from .comment_scan import Comment, FlowSpan, flow_spans, scan, tokens

#: Tokens a value may start with (a block collection starts with none of these).
_VALUE_START = (yaml.ScalarToken, yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.AnchorToken,
                yaml.TagToken, yaml.AliasToken, yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)


@dataclass
class Prepared:
    """A text ready for ruamel's loader, and the comments taken out of it."""

    text: str
    flow: list[tuple[FlowSpan, Comment]] = field(default_factory=list)   # positions in ``text``
    header: str = ""
    trailer: str = ""


def prepare(text: str) -> Prepared:
    """``text`` with the comments ruamel would lose moved or taken out (see the module docstring)."""
    header, body = split_header(text)
    body, trailer = split_trailer(body)
    body = _lift_between(_untab(body))
    body, flow = _take_flow_comments(body)
    return Prepared(body, flow, header, trailer)


def split_header(text: str) -> tuple[str, str]:
    """(header, document): the header is the comments, blank lines and directives before a document
    start marker (``---``, ``--- # x``) and that marker's line, when it holds a comment (ruamel drops
    the comments before the marker and moves the marker's own)."""
    m = re.match(r"(?:[ \t]*(?:#[^\n]*|%[^\n]*)?\r?\n)*---[ \t]*(?:#[^\n]*)?(?:\r?\n|$)", text)
    if m is None or "#" not in m.group(0):
        return "", text
    return m.group(0), text[m.end():]


def _untab(text: str) -> str:
    """Tabs just before a comment made spaces (same offsets): ruamel's scanner refuses them there."""
    try:
        comments = scan(text) if "\t" in text else []
    except yaml.YAMLError:
        return text
    chars = list(text)
    for c in comments:
        i = c.offset - 1
        while i >= 0 and chars[i] in " \t":
            chars[i] = " "
            i -= 1
    return "".join(chars)


def split_trailer(text: str) -> tuple[str, str]:
    """(document, trailer): the trailer is a final ``...`` line and the comments and blank lines after it."""
    markers = list(re.finditer(r"(?m)^\.\.\.[ \t]*(?:#.*)?(?:\r?\n|$)", text))
    if not markers:
        return text, ""
    m = markers[-1]
    rest = text[m.end():]
    if any(line.strip() and not line.lstrip().startswith("#") for line in rest.splitlines()):
        return text, ""          # another document follows: not a trailer
    try:
        if not any(c.offset >= m.start() for c in scan(text)):
            return text, ""      # nothing to keep after the marker
    except yaml.YAMLError:
        return text, ""
    return text[: m.start()], text[m.start():]


def _lift_between(text: str) -> str:
    """Comments between ``key:`` / ``-`` and a value starting on a later line, moved above that line."""
    try:
        comments = scan(text)
        found = tokens(text) if comments else []
    except yaml.YAMLError:
        return text
    if not comments:
        return text
    offsets = [c.offset for c in comments]
    moves: dict[int, list[Comment]] = {}    # line start offset of the indicator → comments to put above
    depth = 0                                # of flow collections
    for tok, nxt in zip(found, found[1:], strict=False):
        if isinstance(tok, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            depth += 1
        elif isinstance(tok, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            depth -= 1
        if not isinstance(tok, (yaml.ValueToken, yaml.BlockEntryToken)) or not isinstance(nxt, _VALUE_START):
            continue
        if depth or nxt.start_mark.line == tok.end_mark.line:
            continue             # inside a flow collection (see _take_flow_comments), or on the same line
        if isinstance(tok, yaml.ValueToken) and isinstance(nxt, (yaml.BlockMappingStartToken,
                                                                 yaml.BlockSequenceStartToken)):
            continue             # "key:  # c" above a block collection: ruamel keeps it
        lo = bisect.bisect_left(offsets, tok.end_mark.index)
        hi = bisect.bisect_left(offsets, nxt.start_mark.index)
        between = comments[lo:hi]
        if between:
            line_start = text.rfind("\n", 0, tok.start_mark.index) + 1
            moves.setdefault(line_start, []).extend(between)
    if not moves:
        return text
    moved = sorted(c.offset for cs in moves.values() for c in cs)
    by_offset = {c.offset: c for c in comments}
    out: list[str] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        if start in moves:
            indent = len(line) - len(line.lstrip(" "))
            out += [" " * indent + c.text + "\n" for c in moves[start]]
        k = bisect.bisect_left(moved, start)
        hit = [by_offset[moved[k]]] if k < len(moved) and moved[k] < pos else []
        if hit:
            cut = hit[0].offset - start
            head = line[:cut].rstrip(" \t")
            if not head.strip():
                continue         # a full-line comment: the line goes
            line = head + line[len(line.rstrip("\r\n")):]
        out.append(line)
    return "".join(out)


def _take_flow_comments(text: str) -> tuple[str, list[tuple[FlowSpan, Comment]]]:
    """``text`` with the comments inside flow collections blanked out (lines kept), and those comments
    with the innermost collection holding each."""
    try:
        spans = flow_spans(text)
        comments = scan(text) if spans else []
    except yaml.YAMLError:
        return text, []
    taken: list[tuple[FlowSpan, Comment]] = []
    events = sorted([(s.start, 1, s) for s in spans] + [(s.end, 0, s) for s in spans]
                    + [(c.offset, 2, c) for c in comments], key=lambda e: (e[0], e[1]))
    open_spans: list[FlowSpan] = []          # the flow collections around the current offset
    for _offset, what, item in events:
        if what == 1:
            open_spans.append(item)          # type: ignore[arg-type]
        elif what == 0:
            open_spans.remove(item)          # type: ignore[arg-type]
        elif open_spans:
            taken.append((open_spans[-1], item))   # type: ignore[arg-type]
    if not taken:
        return text, []
    chars = list(text)
    for _span, c in taken:
        start = c.offset
        while start > 0 and chars[start - 1] in " \t":
            start -= 1
        for i in range(start, c.offset + len(c.text)):
            chars[i] = ""
    return "".join(chars), taken
