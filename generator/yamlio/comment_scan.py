"""Where the comments of a YAML text are: found from the scanner's token spans, not from a parse.

PyYAML's pure-Python scanner gives every token with its start and end offsets but drops comments;
a ``#`` that starts a line or follows white space, outside every token, is a comment (``#`` inside a
scalar is text; a block scalar's header line may carry one). Used to prove that a rewrite kept every
comment (:func:`lost`) and to locate the ones inside flow collections (:func:`flow_spans`).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

import yaml

# characters PyYAML's reader refuses; replaced (same length) so that offsets stay right
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_HASH = re.compile(r"(?:(?<=[ \t\r\n])|^)#", re.M)


@dataclass(frozen=True)
class Comment:
    """One comment: 1-based line and 0-based column of its ``#``, its text (``# ...``, right-stripped),
    offset in the text, and the indentation of its line (where it goes when it becomes a line of its own)."""

    line: int
    column: int
    text: str
    offset: int
    indent: int = 0


@dataclass(frozen=True)
class FlowSpan:
    """A flow collection (``[...]`` or ``{...}``): offsets of its brackets, 0-based line and column."""

    start: int
    end: int
    line: int
    column: int
    mapping: bool


#: libyaml's scanner when present (marks count characters, as PyYAML's own scanner does).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def tokens(text: str) -> list[yaml.Token]:
    """The scanner's tokens of ``text`` (characters YAML refuses replaced, offsets unchanged)."""
    return list(yaml.scan(_NON_PRINTABLE.sub("\ufdd0", text), Loader=_LOADER))


def scan(text: str) -> list[Comment]:
    """Every comment in ``text``, in order. Raises ``yaml.YAMLError`` when the text cannot be scanned."""
    spans: list[tuple[int, int]] = []
    for tok in tokens(text):
        start, end = tok.start_mark.index, tok.end_mark.index
        if isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">"):
            newline = text.find("\n", start)        # the header line may end in a comment
            start = newline if 0 <= newline < end else end
        if end > start:
            spans.append((start, end))
    spans.sort()
    starts = [s for s, _ in spans]
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out: list[Comment] = []
    after = -1                                   # where the last comment found ends
    for m in _HASH.finditer(text):
        i = m.start()
        k = bisect.bisect_right(starts, i) - 1
        if i < after or k >= 0 and spans[k][0] < i < spans[k][1]:     # tokens never overlap
            continue                             # a '#' inside a comment, or inside a scalar
        end = text.find("\n", i)
        after = end if end >= 0 else len(text)
        body = text[i: end if end >= 0 else len(text)].rstrip()
        line = bisect.bisect_right(line_starts, i)
        start = line_starts[line - 1]
        row = text[start:i]
        out.append(Comment(line, i - start, body, i, len(row) - len(row.lstrip(" "))))
    return out


def flow_spans(text: str) -> list[FlowSpan]:
    """Every flow collection of ``text`` (outer ones first)."""
    out: list[FlowSpan] = []
    stack: list[yaml.Token] = []
    for tok in tokens(text):
        if isinstance(tok, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            stack.append(tok)
        elif isinstance(tok, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and stack:
            start = stack.pop()
            out.append(FlowSpan(start.start_mark.index, tok.end_mark.index, start.start_mark.line,
                                start.start_mark.column, isinstance(start, yaml.FlowMappingStartToken)))
    return sorted(out, key=lambda s: s.start)


def lost(before: str, after: str) -> list[Comment]:
    """The comments of ``before`` whose text is missing from ``after`` (as many times as missing)."""
    have = Counter(c.text for c in scan(after))
    out: list[Comment] = []
    for comment in reversed(scan(before)):       # the last of equal comments is the one reported
        if have[comment.text] > 0:
            have[comment.text] -= 1
        else:
            out.append(comment)
    return sorted(out, key=lambda c: c.offset)
