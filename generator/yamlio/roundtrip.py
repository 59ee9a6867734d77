"""Round-trip YAML: the one module that rewrites users' YAML (clone, fmt, import output, lint --fix).

Built on ruamel.yaml's round-trip mode, so comments, key order, quoting and flow/block style of
the user's file survive a load → edit → dump cycle. :func:`format_text` gives the canonical layout
of ``kh fmt``; :func:`dump_new` writes a freshly built plan (e.g. from ``kh import``) in that layout.

Canonical layout: 2-space mappings, list dashes indented by 2 under their key; keys in the order of
the plan model (with the few moves in :data:`ORDER`; unknown keys after the known ones); quotes only where YAML
needs them (as PyYAML, which kh reads with, understands the plain form); a paragraph whose line
would pass :data:`WIDTH` columns is a folded block scalar (``>-``) written on ONE line (no hard
wrapping: a change to a sentence is a one-line diff); text with line breaks is a literal block (``|-``);
a flow list (``[a, b]``) stays flow unless its line gets longer than :data:`WIDTH` (a table row
or header row stays flow on one line whatever its length); no trailing
spaces, at most one blank line in a row, comments kept. Formatting never changes what the file
means: the result is re-read and compared with the input before it is returned.

Comments: every rewrite (:func:`format_text`, :func:`rewrite` for clone, ``check --fix`` and
``import --update-org``) keeps every comment, moving with its key or item (a flow collection that
holds comments becomes a block one, each comment on its item; the end-of-line comment of a value
folded into ``>-`` goes on the ``>-`` line). ruamel.yaml's gaps are closed in
:mod:`generator.yamlio.comment_text` (before loading) and :mod:`generator.yamlio.comment_slots`
(before dumping); :func:`check_comments` then compares the comments of the two texts, and a rewrite
that would still lose one is refused naming file and line, never written.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import typing
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from ..model.fields import Kind as TextKind
from ..model.kinds import field_kind
from . import comment_attach, comment_scan, comment_slots
from .comment_emitter import Emitter
from .comment_slots import Parents
from .comment_text import prepare

Kind = Literal["plan", "org"]

#: A paragraph whose line would be longer than this becomes a ``>-`` block scalar; a flow
#: list (``[a, b]``) whose line would be longer becomes a block list.
WIDTH = 100
#: Schema file each kind of file points to (relative to the file; kh init puts them there).
SCHEMA_FILE = {"plan": "plan.schema.json", "org": "org.schema.json"}
MODELINE = "# yaml-language-server: $schema="

#: Where the canonical key order differs from the model's field order, as (key, goes after key):
#: a decision is printed first, so it is written first; a section's numbering style reads best
#: next to its title; "về" comes before the subject it introduces; notes go under the table.
#: Every other key keeps the model's order (new model fields need no entry here).
ORDER: dict[str, list[tuple[str, str | None]]] = {
    "Plan": [("attached_to", "subject"), ("decision", "attached_to")],
    "Section": [("numbering", "title")],
    "Basis": [("about", "issuer")],
    "DocRef": [("about", "issuer")],
    "Appendix": [("notes", None)],          # None: last
}

#: Lists of table rows (model name, key): each row stays a flow list on ONE line whatever its
#: length, so a one-cell change is a one-line diff (see generator.model.tables).
_ROW_LISTS = frozenset({("Table", "rows"), ("Table", "header")})

#: Kinds of text (see generator.model.fields) never folded: codes and the user's own data.
_NEVER_FOLDED = frozenset({TextKind.CODE, TextKind.VERBATIM})


class YamlRtError(ValueError):
    """YAML that cannot be read, or a rewrite that would change its meaning."""


# ------------------------------------------------------------------ load / dump
def make_yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    """A round-trip ruamel.yaml instance: quotes preserved, no line wrapping, ``[{k: v}]`` kept."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    yaml.allow_unicode = True
    yaml.Emitter = Emitter
    return yaml


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation of ``text``: the layout whose round trip changes least."""
    import difflib

    from ruamel.yaml.util import load_yaml_guess_indent

    candidates = [(2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0)]
    try:
        _data, seq_indent, offset = load_yaml_guess_indent(text)
        if seq_indent and offset is not None and seq_indent >= offset + 2:
            candidates.insert(1, (2, seq_indent, offset))
        data = load_text(text)
    except Exception:  # noqa: BLE001 - any parse problem: fall back to the default
        return candidates[0]
    best, best_score = candidates[0], None
    old = text.splitlines()
    for cand in candidates:
        out = dump(data, indent=cand).splitlines()
        score = sum(1 for d in difflib.ndiff(old, out) if d[:1] in "+-")
        if best_score is None or score < best_score:
            best, best_score = cand, score
        if score == 0:
            break
    return best


def load_text(text: str, name: str = "<yaml>") -> Any:
    """Parse ``text`` round-trip (CommentedMap/CommentedSeq keeping comments, order, quoting).

    The text first goes through kh's own reader, which refuses hostile YAML (alias bombs, deep
    nesting, huge numbers, control characters) with located messages, before ruamel sees it.
    Comments ruamel's loader would drop or its emitter would not write are moved to places that
    are written (:mod:`generator.yamlio.comment_text`, :mod:`generator.yamlio.comment_slots`).
    """
    from ..core.errors import PlanError
    from .source import parse

    try:
        parse(text, name)
    except PlanError as exc:
        raise YamlRtError(exc.format()) from None
    try:
        ready = prepare(text)
        data = make_yaml().load(ready.text)
    except Exception as exc:  # ruamel raises many error types; all mean "not valid YAML"
        raise YamlRtError(f"{name}: YAML không hợp lệ (invalid YAML): {exc}") from exc
    comment_attach.attach_flow_comments(data, ready.flow)
    comment_attach.attach_orphans(data, comment_scan.scan(ready.text))
    comment_slots.settle(data)
    if isinstance(data, (CommentedMap, CommentedSeq)) and len(data):
        if ready.trailer:
            comment_slots.append_lines(comment_slots.tail_slot(data, comment_slots.keys_of(data)[-1]),
                                       ready.trailer)
        if ready.header:
            comment_slots.before_collection([], data, ready.header, first=True)
    return data


def read_text(path: str | Path) -> str:
    """A file's exact text (UTF-8, a BOM dropped, line endings as they are: CRLF stays CRLF)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return fh.read()


def load(path: str | Path) -> tuple[Any, str]:
    """Read a YAML file round-trip; returns (data, original text)."""
    text = read_text(path)
    return load_text(text, str(path)), text


def dump(data: Any, *, indent: tuple[int, int, int] = (2, 4, 2)) -> str:
    """Serialise round-trip ``data`` back to text (layout of the source kept, nothing reformatted)."""
    comment_slots.settle(data)
    buf = io.StringIO()
    make_yaml(*indent).dump(data, buf)
    return buf.getvalue()


def check_comments(before: str, after: str, name: str) -> None:
    """Raise :class:`YamlRtError` naming file and line of the first comment of ``before`` that ``after``
    lacks: a rewrite that cannot keep a comment is refused, never written."""
    try:
        gone = comment_scan.lost(before, after)
    except Exception as exc:  # noqa: BLE001 - the rewrite is not valid YAML: the caller's meaning check says so
        raise YamlRtError(f"{name}: viết lại không đọc được (the rewrite cannot be read): {exc}") from exc
    if gone:
        first = gone[0]
        more = f" (và {len(gone) - 1} chú thích khác; and {len(gone) - 1} more)" if len(gone) > 1 else ""
        raise YamlRtError(f"{name}:{first.line}:{first.column + 1}: không giữ được chú thích '{first.text[:60]}'"
                          f" khi viết lại; giữ nguyên tệp (the rewrite would lose this comment; file left"
                          f" unchanged){more}")


def rewrite(data: Any, text: str, name: str, *, kind: Kind | None = None) -> str:
    """``data`` loaded from ``text`` (and edited) written back, every comment of ``text`` kept (else
    :class:`YamlRtError` naming file and line): in ``text``'s own layout, or in the canonical layout
    of ``kind`` when given; line endings as in ``text``."""
    if kind is not None:
        canonicalise(data, kind)
        out = keep_newlines(text, _tidy_lines(dump(data)))
    else:
        out = keep_newlines(text, dump(data, indent=guess_indent(text)))
    check_comments(text, out, name)
    return out


def append_entry(mapping: CommentedMap, key: Any, value: Any) -> None:
    """Add ``key: value`` (plain data) at the end of ``mapping``. The comments that followed the old
    last entry at a smaller indentation (they belong to what comes after the mapping) follow the new one."""
    keys = list(mapping)
    moved = comment_slots.detach_outdented(mapping, keys[-1]) if keys else ""
    mapping[key] = _to_rt(value)
    comment_slots.append_lines(comment_slots.tail_slot(mapping, key), moved)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written).

    A symbolic link is written through: its target gets the new text and the link stays.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def keep_newlines(original: str, new: str) -> str:
    """``new`` with the line endings of ``original`` (Windows CRLF files stay CRLF)."""
    new = new.replace("\r\n", "\n")
    return new.replace("\n", "\r\n") if "\r\n" in original else new


def plain_data(text: str) -> Any:
    """What kh itself reads from ``text`` (PyYAML, safe; libyaml when present, as kh's reader):
    used to prove a rewrite kept the meaning."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# ------------------------------------------------------------------ canonical layout
def kind_of(path: str | Path, data: Any = None) -> Kind:
    """'org' for a profile (in an orgs/ folder, or a mapping with header/symbol and no sections)."""
    path = Path(path)
    if path.parent.name == "orgs":
        return "org"
    if isinstance(data, dict) and "sections" not in data and ("symbol" in data or "header" in data):
        return "org"
    return "plan"


def format_text(text: str, kind: Kind = "plan", name: str = "<yaml>") -> str:
    """The canonical layout of a plan (``kind="plan"``) or profile (``"org"``) file. Idempotent.

    ``name`` is the file name used in error messages.
    """
    data = load_text(text, name)
    if data is None:
        return text
    canonicalise(data, kind)
    out = keep_newlines(text, _tidy_lines(dump(data)))
    try:
        same = plain_data(out) == plain_data(text)
    except Exception:  # noqa: BLE001 - a rewrite kh itself cannot read back: refused the same way
        same = False
    if not same:
        raise YamlRtError(f"{name}: định dạng lại sẽ đổi nội dung tệp; giữ nguyên"
                          " (formatting would change the data; file left unchanged)")
    check_comments(text, out, name)
    return out


def dump_new(data: Any, kind: Kind = "plan", *, schema: str | None = None) -> str:
    """A freshly built plan/profile (plain dicts and lists) as canonical YAML with the schema modeline."""
    rt = canonicalise(_to_rt(data), kind)
    body = _tidy_lines(dump(rt))
    return f"{MODELINE}{schema or SCHEMA_FILE[kind]}\n{body}"


def canonicalise(data: Any, kind: Kind = "plan") -> Any:
    """Put round-trip ``data`` into canonical form in place (key order, quoting, block scalars)."""
    from ..model.plan import Org, Plan

    _walk(data, Plan if kind == "plan" else Org, None, 0)
    return data


def _to_rt(value: Any) -> Any:
    """Plain dicts/lists → CommentedMap/CommentedSeq (so they can carry layout)."""
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _to_rt(v)
        return out
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_to_rt(v) for v in value)
    return value


def _key_order(model: Any) -> list[str]:
    order = list(model.model_fields)
    for key, after in ORDER.get(model.__name__, []):
        if key not in order or (after is not None and after not in order):
            continue
        order.remove(key)
        order.insert(order.index(after) + 1 if after is not None else len(order), key)
    return order


def _walk(value: Any, model: Any, key: str | None, col: int, flow: bool = False,
          kind: TextKind = TextKind.PROSE, parents: Parents | None = None, rows: bool = False) -> Any:
    """Canonicalise ``value`` (described by pydantic ``model`` if known) and return it.

    ``col`` is the column where the value starts (a mapping's keys, a block list's dashes);
    ``kind``: the kind of the field ``value`` belongs to (a code is never folded); ``parents``: the
    path from the root to ``value`` (where comments before its first entry go); ``rows``: ``value``
    is a list of table rows, whose flow rows stay flow however long (:data:`_ROW_LISTS`).
    """
    parents = parents or []
    if isinstance(value, CommentedMap):
        flow = flow or bool(value.fa.flow_style())
        fields = getattr(model, "model_fields", None) if model is not None else None
        if fields:
            _reorder(value, _key_order(model), parents)
        for k in list(value):
            sub, dict_values = _submodel(fields[k].annotation) if fields and k in fields else (None, False)
            child = value[k]
            child_kind = field_kind(model, k) if fields and isinstance(k, str) else TextKind.PROSE
            if child_kind is TextKind.VERBATIM:
                continue        # the user's own data (variables): left as written
            here = [*parents, (value, k)]
            row_list = (getattr(model, "__name__", None), k) in _ROW_LISTS
            if dict_values and isinstance(child, CommentedMap):
                for kk in list(child):
                    set_value(child, kk, _walk(child[kk], sub, str(kk), _child_col(col + 2, str(kk), child[kk]), flow,
                                               child_kind, [*here, (child, kk)]))
            else:
                set_value(value, k, _walk(child, sub, str(k), _child_col(col, str(k), child), flow, child_kind,
                                          here, row_list))
        return value
    if isinstance(value, CommentedSeq):
        if value.fa.flow_style() and not flow and _flow_too_long(value, key, col):
            comment_slots.make_block(parents, value)
        flow = flow or bool(value.fa.flow_style())
        for i, item in enumerate(value):
            row = rows and isinstance(item, CommentedSeq) and bool(item.fa.flow_style())
            set_value(value, i, _walk(item, model, key, col + 2, flow or row, kind, [*parents, (value, i)]))
        return value
    if isinstance(value, str):
        return _quoted_if_needed(value) if flow else _scalar(value, col, kind)
    return value


def set_value(node: CommentedMap | CommentedSeq, key: Any, value: Any) -> None:
    """``node[key] = value`` keeping the key's place, the NEW value's style, and the comments.

    (ruamel's own ``__setitem__`` re-applies the old value's quoting to a new plain string.) When
    the value becomes, or stops being, a block scalar, its end-of-line comment and its header
    comment (``key: >-  # x``) turn into each other.
    """
    old = node[key] if isinstance(node, CommentedSeq) or key in node else None
    if isinstance(node, CommentedSeq):
        list.__setitem__(node, key, value)
    elif key in node:
        ordereddict.__setitem__(node, key, value)
    else:
        node[key] = value
        return
    if old is not value:
        comment_slots.restyle(node, key, old, value)


def _child_col(col: int, key: str, child: Any) -> int:
    """Column of the value under ``key`` of a block mapping whose keys start at ``col``."""
    if isinstance(child, (CommentedMap, CommentedSeq)):
        return col + 2
    return col + len(key) + 2


def _submodel(annotation: Any) -> tuple[Any, bool]:
    """The pydantic model inside a field annotation, and whether it is the value type of a dict."""
    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if origin is dict and len(args) == 2:
        return _submodel(args[1])[0], True
    for arg in args:
        found, _ = _submodel(arg)
        if found is not None:
            return found, False
    return None, False


def _reorder(mapping: CommentedMap, order: list[str], parents: Parents | None = None) -> None:
    """Known keys in ``order``, then unknown keys in their original order.

    Comments move with the key they belong to: a key's end-of-line comment stays on its line, and
    the whole lines above a key (comments and blank lines, which ruamel stores after the value of
    the key before it, possibly deep in a nested list) go with that key; above the key that becomes
    first they go before the mapping (``parents``: its path from the root; none: the root).
    """
    rank = {k: i for i, k in enumerate(order)}
    keys = list(mapping)
    wanted = sorted(keys, key=lambda k: (rank.get(k, len(order)), keys.index(k)))
    if wanted == keys:
        return
    slots = {k: comment_slots.tail_slot(mapping, k) for k in keys}
    own: dict[Any, tuple[str, int] | None] = {}
    lead: dict[Any, str] = {keys[0]: ""}
    final = ""
    for i, k in enumerate(keys):
        eol, lines = comment_slots.split_after(slots[k])
        own[k] = eol
        if i + 1 < len(keys):
            lead[keys[i + 1]] = lines
        else:
            final = lines
    for k in wanted:
        mapping.move_to_end(k)
    for i, k in enumerate(wanted):
        comment_slots.join_after(slots[k], own[k], lead[wanted[i + 1]] if i + 1 < len(wanted) else final)
    first = lead[wanted[0]]
    if first:
        if parents and isinstance(parents[-1][0], CommentedSeq):
            first = comment_slots.dedent(first, 2)      # from the keys' column to the list dash's
        comment_slots.before_collection(parents or [], mapping, first)


def _flow_too_long(seq: CommentedSeq, key: str | None, col: int) -> bool:
    """True when ``key: [...]`` at column ``col`` would pass :data:`WIDTH` (its comment not counted)."""
    bare = CommentedSeq(seq)
    bare.fa.set_flow_style()
    text = dump(CommentedMap([(key or "x", bare)])).strip()
    return col - 2 + len(text) > WIDTH


def _scalar(value: str, col: int, kind: TextKind = TextKind.PROSE) -> str:
    """Canonical style for one string of kind ``kind`` starting at column ``col`` of a block collection."""
    text = str(value)
    # A block scalar holds only characters YAML prints as they are; others (C1 controls, U+FFFE,
    # the line breaks U+0085/U+2028/U+2029) leave the string quoted, where ruamel escapes them.
    block_ok = re.search("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", text) is None
    if "\n" in text.rstrip("\n"):
        if isinstance(value, ScalarString):
            return value  # the writer's own choice (a block would move a comment below it)
        if block_ok and not re.search(r"[ \t]\n|^\s|\s$", text):
            return LiteralScalarString(text)
        return _quoted_if_needed(text)
    if block_ok and col + len(text) > WIDTH and kind not in _NEVER_FOLDED and text == text.strip() \
            and "  " not in text:
        return FoldedScalarString(text)
    return _quoted_if_needed(text)


def _quoted_if_needed(text: str) -> str:
    """A plain string when PyYAML reads the plain form back as this same string, else quoted."""
    if isinstance(text, (SingleQuotedScalarString, DoubleQuotedScalarString, PlainScalarString,
                         FoldedScalarString, LiteralScalarString, ScalarString)):
        text = str(text)
    if text and _plain_meaning_ok(text):
        return text  # ruamel itself quotes when YAML syntax needs it
    if "'" in text and '"' not in text and "\\" not in text:
        return DoubleQuotedScalarString(text)
    return SingleQuotedScalarString(text)


def _plain_meaning_ok(text: str) -> bool:
    """False when PyYAML (YAML 1.1: yes/no/on/off, dates, numbers) would read the plain text as non-text."""
    import yaml

    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    return tag == "tag:yaml.org,2002:str"


def _tidy_lines(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, exactly one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    tidy = "\n".join(out) + "\n"
    # a block scalar with meaningful trailing spaces or blank lines: keep ruamel's text instead
    try:
        return tidy if plain_data(tidy) == plain_data(text) else text
    except Exception:  # noqa: BLE001 - ruamel's text is not readable: format_text's meaning check refuses it
        return text


# ------------------------------------------------------------------ positions
def line_of(node: Any, key: Any = None) -> int | None:
    """1-based line of ``node[key]`` (its value; for a mapping key, the key's line) in the loaded text."""
    try:
        if key is None:
            return node.lc.line + 1
        if isinstance(node, CommentedMap):
            return node.lc.key(key)[0] + 1
        return node.lc.item(key)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def value_line(node: Any, key: Any) -> int | None:
    """1-based line where the value of ``node[key]`` starts (the first text line of a block scalar)."""
    try:
        if isinstance(node, CommentedMap):
            line = node.lc.value(key)[0] + 1
        else:
            line = node.lc.item(key)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    value = node[key]
    if isinstance(value, (FoldedScalarString, LiteralScalarString)):
        line += 1
    return line
