"""The reader's text pass: every text of a plan or profile tidied (NFC, spaces, quotes), its size
and marks checked; plain fields freed of their escapes.

Which texts are codes, prose or plain is the model's to say (:mod:`generator.model.fields`);
the walks here work it out once per key path.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from ..core.errors import Problem, shorten
from ..lang.typography import _SPACE_BEFORE, XML_BAD, MarkupError, clean, parse_inline
from ..lang.vnwords import format_amount
from ..model.fields import Kind
from ..model.kinds import Root, kind_at
from ..yamlio.source import Path_, Source

#: Longest text one field may hold, also after its expressions are expanded (characters).
MAX_TEXT = 100_000

JINJA = ("{{", "{%", "{#")
_JINJA_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def clean_prose(text: str) -> str:
    """:func:`clean` outside {{ ... }} blocks: quotes inside an expression stay straight quotes."""
    if "{" not in text or not any(t in text for t in JINJA):
        return clean(text)
    blocks: list[str] = []

    def hold(m: re.Match[str]) -> str:
        blocks.append(m.group())
        return f"\ufdd3{len(blocks) - 1}\ufdd4"

    out = clean(_JINJA_BLOCK.sub(hold, text))
    return re.sub("\ufdd3(\\d+)\ufdd4", lambda m: blocks[int(m.group(1))], out)


def without_expressions(text: str) -> str:
    """``text`` with each {{ ... }} / {% ... %} blanked out (same length): ``**`` in ``10**9`` is no mark."""
    if "{" not in text or not any(t in text for t in JINJA):
        return text
    return _JINJA_BLOCK.sub(lambda m: " " * len(m.group()), text)


#: Where a text of the plan sits: (its mapping or list, its key there, its path, its kind).
Slot = tuple[Any, Any, Path_, Kind]


@dataclasses.dataclass
class Slots:
    """Where the texts later passes look at are, as :func:`walk` found them (in walk order).

    Between those passes the plan changes only in its texts, and none gains or loses a "{" (the
    text pass and the plain-field pass never write one; expressions run once, last), so these
    lists stay exact.
    """

    plain: list[Slot] = dataclasses.field(default_factory=list)    # texts of kind "plain"
    braced: list[Slot] = dataclasses.field(default_factory=list)   # texts holding "{" (expressions)


def walk(value: Any, path: Path_, fn: Callable[[str, Path_, Kind], str], *, root: Root = "plan",
         kinds: frozenset[Kind] | None = None, needle: str | None = None, slots: Slots | None = None,
         keep: Callable[[str], bool] | None = None) -> Any:
    """Apply ``fn(text, path, kind)`` to every string of a plan, in place, without recursion limits.

    ``kind`` is :func:`~generator.model.kinds.kind_at` of the string's path below ``path`` (the
    walk's start), in a file of kind ``root``. Only strings whose kind is in ``kinds`` (all when
    None) and that contain ``needle`` (when given) are passed to ``fn``; the others stay as they
    are. Kinds are worked out once per container shape (a plan has few: its schema's).
    ``slots`` (when given) collects, in order, the strings passed to ``fn`` that later passes
    need (see :class:`Slots`), as ``fn`` left them, for :func:`replay`. ``keep``: strings it says
    ``fn`` would return unchanged are collected but not passed.
    """
    if isinstance(value, str):
        kind = kind_at((), root)
        if (kinds is None or kind in kinds) and (needle is None or needle in value):
            return fn(value, path, kind)
        return value
    # per container shape (its path below the start, list indices as 0): its children's kinds by key
    # (0 for a list item or a key that is not a string)
    shapes: dict[Path_, dict[Any, Kind]] = {}
    # (container, its path, its shape)
    stack: list[tuple[Any, Path_, Path_]] = [(value, path, ())]
    while stack:
        node, where, shape_path = stack.pop()
        is_dict = isinstance(node, dict)
        shape = shapes.get(shape_path)
        if shape is None:
            shape = shapes[shape_path] = {}
        for key, item in list(node.items()) if is_dict else list(enumerate(node)):
            step = key if isinstance(key, str) else 0
            if isinstance(item, str):
                if needle is not None and needle not in item:
                    continue
                kind = shape.get(step)
                if kind is None:
                    kind = shape[step] = kind_at(shape_path + (step,), root)
                if kinds is None or kind in kinds:
                    sub_where = where + (key,)
                    if keep is None or not keep(item):
                        node[key] = item = fn(item, sub_where, kind)
                    if slots is not None:
                        if kind is Kind.PLAIN:
                            slots.plain.append((node, key, sub_where, kind))
                        if "{" in item:
                            slots.braced.append((node, key, sub_where, kind))
            elif isinstance(item, (dict, list)):
                stack.append((item, where + (key,), shape_path + (step,)))
    return value


def replay(slots: list[Slot], fn: Callable[[str, Path_, Kind], str], kinds: frozenset[Kind],
           needle: str | None = None) -> None:
    """:func:`walk` again over the strings it collected (the plan's shape has not changed since):
    the same strings in the same order, each read anew from its place."""
    for node, key, where, kind in slots:
        if kind in kinds:
            text = node[key]
            if needle is None or needle in text:
                node[key] = fn(text, where, kind)


# Characters that make tidy change a text or look closer: line breaks, characters XML cannot hold,
# spaces other than U+0020, straight double quotes, emphasis and footnote marks. Expressions need
# no look: clean_prose cleans around them, so a text clean as a whole comes back as it is.
_TIDY_SPECIAL = re.compile("[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
                           "\t\u00a0\u2002-\u200a\u202f\u3000\"*\\\\^\\[\\]]")


def untouched(text: str) -> bool:
    """True when :func:`tidy` keeps ``text`` exactly as it is with nothing to report (most texts):
    not too long, NFC, no character above, no space before punctuation, after "(" or at either end."""
    return (len(text) <= MAX_TEXT and _TIDY_SPECIAL.search(text) is None and _SPACE_BEFORE.search(text) is None
            and "( " not in text and not text[:1].isspace() and not text[-1:].isspace()
            and unicodedata.is_normalized("NFC", text))


_TIDIED = frozenset({Kind.CODE, Kind.PLAIN, Kind.PROSE})      # every kind but verbatim (variables)
_PLAIN = frozenset({Kind.PLAIN})


def bad_chars(text: str) -> str:
    """The characters of ``text`` XML cannot hold, as "U+0001, U+001B" ("" when none)."""
    if XML_BAD.search(text) is None:
        return ""
    return ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(XML_BAD.findall(text)))


def too_long(src: Source, where: Path_, n: int, after: str = "") -> Problem:
    """A text longer than :data:`MAX_TEXT` (``after``: when it became so)."""
    return src.problem(where, f"văn bản quá dài{after}: {format_amount(n)} ký tự, giới hạn {format_amount(MAX_TEXT)}"
                       f" (text longer than the limit of {MAX_TEXT:,} characters)",
                       hint="chia thành nhiều đoạn hoặc rút gọn (split it into paragraphs)")


def removed_chars(src: Source, where: Path_, bad: str, found: str) -> Problem:
    """The warning for characters XML cannot hold, taken out of a text."""
    return src.problem(where, f"đã bỏ ký tự Word/XML không chứa được: {bad} (removed characters XML cannot hold)",
                       found=found)


def _markup_problem(src: Source, where: Path_, text: str, exc: MarkupError, raw: str | None) -> Problem:
    """A markup problem located at the offending mark itself when it can be found in the file."""
    found = None
    if raw is not None and exc.mark:
        char = "^[" if exc.mark == "^[" else "*"
        found = src.locate_mark(where, char, text[:exc.pos].count(char))
    prob = src.problem(where, f"dấu định dạng sai: {exc}", found=shorten(raw if raw is not None else text),
                       hint="viết \\* nếu muốn in dấu * (escape a literal * as \\*)")
    if found is not None:
        prob = dataclasses.replace(prob, line=found[0], column=found[1])
    return prob


def tidy(value: Any, path: Path_, src: Source, problems: list[Problem], *, root: Root = "plan",
         slots: Slots | None = None) -> Any:
    """Clean every text in place (NFC, spacing, quotes), check its size and its emphasis/footnote marks.

    Characters XML cannot hold are removed from prose with a located warning (in ``src.warnings``);
    in codes they are errors. ``slots`` (when given) collects where each text is, for later passes.
    """

    def tidy_one(raw: str, where: Path_, kind: Kind) -> str:
        if len(raw) > MAX_TEXT:
            problems.append(too_long(src, where, len(raw)))
            return raw
        bad = bad_chars(raw)
        if kind is Kind.CODE:
            if bad:
                problems.append(src.problem(where, f"mã hoặc đường dẫn chứa ký tự điều khiển {bad}"
                                            " (control character in a code or path)", found=repr(raw)[:60]))
            return unicodedata.normalize("NFC", raw)
        if bad:
            src.warnings.append(removed_chars(src, where, bad, repr(raw)[:60]))
        text = clean_prose(raw)
        try:
            parse_inline(without_expressions(text))
        except MarkupError as exc:
            problems.append(_markup_problem(src, where, text, exc, raw))
        return text

    return walk(value, path, tidy_one, root=root, kinds=_TIDIED, slots=slots, keep=untouched)


def plain_fields(value: Any, src: Source, problems: list[Problem], *, root: Root = "plan",
                 prefix: Path_ = (), slots: Slots | None = None) -> None:
    """Fields printed as plain text: refuse emphasis and footnotes there, turn escapes (\\*) into the mark.

    ``prefix``: where ``value`` sits in the file (an inline profile is ``("org",)``). ``slots``: the
    texts of ``value`` as :func:`tidy` collected them (the same walk, without walking again).
    """

    def check(text: str, where: Path_, kind: Kind) -> str:
        if not prefix and root == "plan" and where[:1] == ("org",):
            return text        # an inline profile: done by resolve_org before it is validated
        try:
            spans = parse_inline(text)
        except MarkupError:
            return text        # already reported
        if any(s.bold or s.italic or s.note is not None for s in spans):
            problems.append(src.problem(
                where, "trường này in chữ thường: không dùng được **đậm**, *nghiêng* hay ^[chú thích]"
                " (emphasis and footnotes cannot be printed in this field)", found=shorten(text),
                hint="bỏ dấu * và ^[...]; muốn in dấu * thì viết \\* (remove the marks; write \\* for a literal *)"))
            return text
        return "".join(s.text for s in spans)

    if slots is not None:
        replay(slots.plain, check, _PLAIN)
    else:
        walk(value, prefix, check, root=root, kinds=_PLAIN)
