"""YAML with positions, read defensively: every value keeps its line and column.

The file is parsed into events by libyaml (when present) and the data is built here from
those events, iteratively and under limits, instead of by PyYAML's composer/constructor:

* only plain data (mappings, lists, strings, numbers, booleans, dates) — no Python objects;
* a duplicate key is an error (PyYAML silently keeps the last one and a paragraph vanishes);
  merge keys (``<<``) and keys that are not words are errors;
* nesting deeper than :data:`MAX_DEPTH` stops the parse (libyaml's composer would crash the
  interpreter on deep input), alias expansion is counted against :data:`MAX_ALIAS_VALUES`
  before anything is copied (a "billion laughs" file stops at once), a recursive alias is an
  error;
* the file must be a regular file no larger than :data:`MAX_FILE_BYTES`, UTF-8 (a BOM is
  allowed); UTF-16/32 and legacy code pages are refused by name, never read as mojibake;
* vertical tab and form feed (Word's line and page breaks when pasted) become line breaks;
  other raw control characters are located errors.

Speed (a 5,000-row task table is ~75,000 events): the common events are handled inline, and the
positions of values and keys, needed only to report something, are worked out from the kept text
when first asked for (see :class:`Source`).
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import PlanError, Problem
from ..lang.vnwords import format_amount

try:  # libyaml's event parser is much faster and reports the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

#: Largest plan or profile file read (bytes). A 5,000-row task table is about 3 MB.
MAX_FILE_BYTES = 8_000_000
#: Deepest nesting of lists and mappings (real plans stay under 20).
MAX_DEPTH = 64
TOO_DEEP = f"lồng nhau quá sâu: quá {MAX_DEPTH} cấp (nested more than {MAX_DEPTH} levels deep)"
TOO_DEEP_HINT = "kiểm tra dấu [ và { thừa (look for stray [ or {)"
#: Most values that aliases (``*name``) may add by repetition, in one file.
MAX_ALIAS_VALUES = 100_000
#: Most values in one file, aliases expanded.
MAX_VALUES = 1_000_000
#: Most digits in a number written in a plan.
MAX_DIGITS = 30

# Word pastes its manual line break as VT and its page break as FF; they pass the YAML parser
# as placeholders (Unicode noncharacters, never found in real text) and come out as "\n".
_VT, _FF, _BOM = "\ufdd0", "\ufdd1", "\ufdd2"
_PASTE_MAP = str.maketrans({"\x0b": _VT, "\x0c": _FF, "\ufeff": _BOM})
_UNPASTE_MAP = str.maketrans({_VT: "\n", _FF: "\n", _BOM: "\ufeff"})
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x1B: "ESC", 0x7F: "DEL"}


def path_text(path: Path_) -> str:
    """('sections', 1, 'points', 0) → 'sections[1].points[0]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class Source:
    """Data loaded from one YAML file, with the position of every value and key.

    Positions are needed only to report something, so :func:`parse` reads the data without them
    and they are worked out when first asked for (:meth:`where`, :meth:`locate_mark`): the same
    text parsed again, this time noting every position. The file's text is kept, so the answer
    is what a single recording parse gives.
    """

    file: str
    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: The decoded file text and, per string value, its [start, end) character offsets in it.
    text: str = ""
    spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Things the user should know that do not stop the build (located, like problems).
    warnings: list[Problem] = field(default_factory=list)
    _line_starts: list[int] | None = None
    #: The text given to the parser, while the positions are still to be worked out.
    _unparsed: str | None = None

    def _positions(self) -> None:
        """Fill :attr:`marks`, :attr:`key_marks` and :attr:`spans` if :func:`parse` left them for later."""
        if self._unparsed is None:
            return
        text, self._unparsed = self._unparsed, None
        scratch = Source(self.file, None, text=self.text)
        _Builder(scratch, record=True).run(text)     # the data is not used: the caller has its own
        self.marks, self.key_marks, self.spans = scratch.marks, scratch.key_marks, scratch.spans

    def where(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value (or key) at ``path``, else of its nearest parent."""
        self._positions()
        table = self.key_marks if key else self.marks
        p = tuple(path)
        if key and p in table:
            return table[p]
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (None, None))

    def problem(self, path: Path_, message: str, *, key: bool = False, **kw: Any) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, path_text(path), message, **kw)

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of character ``index`` of the file."""
        if self._line_starts is None:
            starts = [0]
            pos = self.text.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = self.text.find("\n", pos + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, index) - 1
        return line + 1, index - self._line_starts[line] + 1

    def locate_mark(self, path: Path_, mark: str, occurrence: int) -> tuple[int, int] | None:
        """Where the ``occurrence``-th (0-based) ``mark`` of the string at ``path`` is written.

        None when the string has no span (it came from an alias, or an expression made it) or
        the mark is not found as written (escaped differently in a quoted scalar).
        """
        self._positions()
        span = self.spans.get(tuple(path))
        if span is None:
            return None
        raw = self.text[span[0]:span[1]]
        pos = -1
        for _ in range(occurrence + 1):
            pos = raw.find(mark, pos + 1)
            if pos == -1:
                return None
        return self.position(span[0] + pos)


def load(path: Path, display: str | None = None) -> Source:
    """Read and parse ``path``; raise :class:`PlanError` on unreadable or invalid YAML."""
    name = display or str(path)
    raw = read_bytes(path, name)
    return parse(decode(raw, name), name, raw=raw)


def read_bytes(path: Path, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (devices, FIFOs, folders refused)."""

    def fail(msg: str, hint: str | None = None) -> PlanError:
        return PlanError([Problem(name, None, None, "", msg, hint=hint)])

    if "\x00" in str(path):
        raise fail("tên tệp chứa ký tự NUL (file name contains a NUL byte)")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise fail(f"không đọc được tệp (cannot read file): {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = ("thư mục (a folder)" if stat.S_ISDIR(info.st_mode) else
                "ống FIFO (a FIFO)" if stat.S_ISFIFO(info.st_mode) else
                "thiết bị (a device)" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "không phải tệp thường (not a regular file)")
        raise fail(f"không phải tệp thường: {kind} (not a regular file)",
                   "chỉ đọc tệp .yaml bình thường (only regular files are read)")
    if info.st_size > limit:
        raise fail(_size_message(info.st_size, limit),
                   "chia kế hoạch hoặc rút gọn lời văn (split the plan or shorten its text)")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise fail(f"không đọc được tệp (cannot read file): {exc.strerror}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between stat and open
            raise fail("không phải tệp thường (not a regular file)")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise fail(f"không đọc được tệp (cannot read file): {exc.strerror}") from exc
    finally:
        os.close(fd)
    if size > limit:
        raise fail(_size_message(size, limit))
    return b"".join(chunks)


def _size_message(size: int, limit: int) -> str:
    return (f"tệp quá lớn: {format_amount(size)} byte, giới hạn {format_amount(limit)} byte"
            f" (file too large: limit {limit:,} bytes)")


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of ``raw`` (BOM allowed); other encodings refused with a message naming them."""

    def fail(line: int | None, msg: str) -> PlanError:
        return PlanError([Problem(name, line, None, "", msg,
                                  hint="mở tệp và lưu lại với mã hóa UTF-8 (save the file as UTF-8)")])

    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise fail(None, "tệp mã hóa UTF-32, kh cần UTF-8 (file is UTF-32, not UTF-8)")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail(None, "tệp mã hóa UTF-16 (Unicode của Notepad cũ), kh cần UTF-8 (file is UTF-16, not UTF-8)")
    head = raw[:4096]
    if head and head.count(b"\x00") * 4 >= len(head):
        raise fail(None, "tệp có vẻ mã hóa UTF-16 hoặc là tệp nhị phân, kh cần UTF-8"
                         " (file looks like UTF-16 or binary, not UTF-8)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start:exc.start + 4]
        raise PlanError([Problem(
            name, line, col, "",
            "tệp không phải UTF-8: có thể là mã cũ (Windows-1258, TCVN3/VNI) (file is not UTF-8:"
            " a legacy code page?)", found=f"byte {bad.hex(' ')}",
            hint="mở tệp và lưu lại với mã hóa UTF-8 (save the file as UTF-8)")]) from exc


def parse(text: str, name: str, *, raw: bytes | None = None) -> Source:
    """Parse YAML ``text`` (reported as file ``name``) into a :class:`Source`.

    ``raw``: the file's bytes when ``text`` was decoded from them (it saves a scan of the text).
    """
    src = Source(name, None, text=text)
    # translate() looks up every character: only a file holding VT, FF or a BOM needs it
    given = text.translate(_PASTE_MAP) if any(c in text for c in "\x0b\x0c\ufeff") else text
    failure: BaseException | None = None
    builder = _Builder(src, record=False)
    try:
        try:
            builder.run(given)
            src._unparsed = given          # positions worked out when first asked for
        except _NeedPositions:             # anchors, aliases or a duplicate key: parse again, noting positions
            src.data = None
            builder = _Builder(src, record=True)
            builder.run(given)
    except Exception as exc:  # noqa: BLE001 - reported below, after the check for control characters
        failure = exc
    # Control characters are reported first, before any other problem. The parser itself refuses
    # every one of them but U+0085 and the noncharacters U+FDD0-U+FDEF, and reads the whole text
    # when it succeeds: only a failed parse, or a text holding those, needs the full scan.
    if failure is not None or builder.problems or _maybe_uncaught_controls(text, raw):
        _check_controls(src)
    if isinstance(failure, yaml.MarkedYAMLError):
        mark = failure.problem_mark or failure.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        msg = failure.problem or str(failure)
        if "nesting depth" in msg:
            # libyaml >= 0.2.5 (PyYAML >= 6.0.2 wheels) stops deep flow nesting in its scanner, which
            # reads ahead of the events kh counts: the same limit, said the same way.
            raise PlanError([Problem(name, line, col, "", TOO_DEEP, hint=TOO_DEEP_HINT)]) from None
        raise PlanError([Problem(name, line, col, "", f"YAML không hợp lệ (invalid YAML): {msg}",
                                 hint=_yaml_hint(msg))]) from None
    if isinstance(failure, yaml.YAMLError):
        raise PlanError([Problem(name, None, None, "", f"YAML không hợp lệ (invalid YAML): {failure}")]) from None
    if failure is not None:
        raise failure
    if builder.problems:
        raise PlanError(builder.problems)
    return src


_PARSER_ALLOWED_BAD = re.compile("[\x85\ufdd0-\ufdef]")


def _maybe_uncaught_controls(text: str, raw: bytes | None) -> bool:
    """True when ``text`` may hold U+0085 or U+FDD0-U+FDEF: characters kh refuses that the YAML
    parser lets through. In UTF-8 those start with the bytes C2 85 and EF B7."""
    if raw is not None:   # a one-byte search first: it is much faster, and most files have neither lead byte
        return b"\xc2" in raw and b"\xc2\x85" in raw or b"\xef" in raw and b"\xef\xb7" in raw
    return _PARSER_ALLOWED_BAD.search(text) is not None


# C0/C1 controls (tab and line breaks aside), surrogates and noncharacters (kh uses U+FDD0-U+FDEF internally)
_RAW_BAD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _check_controls(src: Source) -> None:
    """Raw control characters other than tab, line breaks, VT and FF: located errors."""
    problems = []
    for m in _RAW_BAD.finditer(src.text):
        code = ord(m.group())
        line, col = src.position(m.start())
        label = _CONTROL_NAMES.get(code, "")
        problems.append(Problem(
            src.file, line, col, "",
            f"ký tự điều khiển U+{code:04X}{' ' + label if label else ''} không được phép trong tệp"
            " (control character not allowed)",
            hint="xóa ký tự này (thường do dán từ chương trình khác) (delete it: usually pasted in)"))
        if len(problems) >= 10:
            break
    if problems:
        raise PlanError(problems)


def _yaml_hint(msg: str) -> str | None:
    if "mapping values are not allowed" in msg:
        return "có dấu ':' trong lời văn? đặt cả đoạn trong dấu nháy '...' (quote text that contains ': ')"
    if "alias" in msg or "alphabetic or numeric character" in msg:
        return ("dòng bắt đầu bằng * hoặc & phải đặt trong dấu nháy: '**Đậm** ...'"
                " (quote text that starts with * or &)")
    if "found character '\\t'" in msg or "tab" in msg:
        return "YAML không dùng phím Tab để thụt lề; dùng dấu cách (indent with spaces, not tabs)"
    return None


# ------------------------------------------------------------------ building data from events
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp",
}
_MAP_TAGS = {None, "!", "tag:yaml.org,2002:map"}
_SEQ_TAGS = {None, "!", "tag:yaml.org,2002:seq"}


class _Limit(Exception):
    """A limit was hit: the problem is already recorded; stop parsing."""


class _NeedPositions(Exception):
    """A parse without positions met something that needs them (anchors, aliases, a duplicate key)."""


class _Frame:
    """An open mapping or list: its path, value and, for a mapping, the key waiting for its value."""

    __slots__ = ("is_map", "path", "anchor", "value", "size", "key", "key_pending", "key_ok", "log_start")

    def __init__(self, is_map: bool, path: Path_, anchor: str | None, value: Any, log_start: int = 0):
        self.is_map = is_map
        self.path = path
        self.anchor = anchor
        self.value = value
        self.size = 1                 # values in this collection, itself included
        self.key: Any = None          # map: the key waiting for its value
        self.key_pending = False
        self.key_ok = True
        self.log_start = log_start


_ScalarEvent = yaml.ScalarEvent
_MapStart, _SeqStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MapEnd, _SeqEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
#: The live table of PyYAML's implicit resolvers (first character → [(tag, regex)]).
_IMPLICIT = _resolver.yaml_implicit_resolvers
_STR_TAG = "tag:yaml.org,2002:str"


def _plain_is_str(value: str) -> bool:
    """True when a plain (unquoted, untagged) scalar resolves to a string.

    The same answer as ``_resolver.resolve(yaml.ScalarNode, value, (True, False)) == str``,
    without the call for the many texts whose first character no resolver looks at.
    """
    if _resolver.yaml_path_resolvers:            # pragma: no cover - never set by kh
        return _resolver.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    resolvers = _IMPLICIT.get(value[0] if value else "")
    wildcard = _IMPLICIT.get(None)
    if resolvers is None and wildcard is None:
        return True
    for _tag, regexp in (resolvers or []) + (wildcard or []):
        if regexp.match(value):
            return _tag == _STR_TAG
    return True


class _Builder:
    """Data from the parser's events, with an explicit stack (no recursion) and limits.

    :meth:`_loop` handles the common events (untagged, unanchored scalars that are strings,
    plain lists and mappings) inline; everything else goes through the general methods
    (:meth:`_event`), which hold every check. Both keep the same state.

    ``record``: note the position of every value and key in ``src`` (else :class:`_NeedPositions`
    is raised at the first anchor, alias or duplicate key, which need them).
    """

    def __init__(self, src: Source, *, record: bool = True):
        self.src = src
        self.record = record
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, list[tuple[Path_, str, Any]], Path_]] = {}
        self.open_anchors: set[str] = set()
        # (path, table, entry) of positions recorded while an anchored collection is open, so its
        # aliases can copy them; empty (nothing logged) while no anchored collection is open
        self.log: list[tuple[Path_, str, Any]] = []
        self.anchored = 0                             # anchored collections open
        self.total = 0
        self.alias_values = 0
        self.done = False
        self.pasted = False   # the file held VT, FF or a BOM, passed through as placeholders

    # --- helpers
    def _mark(self, m: Any) -> tuple[int, int]:
        return m.line + 1, m.column + 1

    def _fail(self, m: Any, path: Path_, msg: str, **kw: Any) -> None:
        line, col = self._mark(m)
        self.problems.append(Problem(self.src.file, line, col, path_text(path), msg, **kw))

    def _stop(self, m: Any, path: Path_, msg: str, **kw: Any) -> None:
        self._fail(m, path, msg, **kw)
        raise _Limit

    def _record(self, path: Path_, table: str, entry: Any) -> None:
        if not self.record:
            return
        getattr(self.src, table)[path] = entry
        if self.anchored:
            self.log.append((path, table, entry))

    def _child_path(self) -> Path_ | None:
        """Path of the next value, or None when the next value is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if not top.is_map:
            return top.path + (len(top.value),)
        if not top.key_pending:
            return None
        return top.path + (top.key,) if top.key_ok else top.path + ("?",)

    def _count(self, n: int, m: Any, path: Path_) -> None:
        self.total += n
        if self.total > MAX_VALUES:
            self._stop(m, path, f"tệp có quá {format_amount(MAX_VALUES)} giá trị (more than {MAX_VALUES:,} values)")

    # --- events
    def run(self, text: str) -> None:
        self.pasted = any(c in text for c in (_VT, _FF, _BOM))
        loader = _Loader(text)
        try:
            if self.record:
                self._loop_recording(loader.get_event)
            else:
                self._loop(loader.get_event)
        except _Limit:
            return
        finally:
            loader.dispose()
        if self.src.data is None and not self.done:
            if self.record:
                self.src.marks[()] = (1, 1)
            self.src.data = {}

    def _loop_recording(self, get_event: Any) -> None:
        """Every event through the general methods, noting positions."""
        while True:
            ev = get_event()
            if ev is None:
                return
            self._general(ev)

    def _general(self, ev: Any) -> None:
        """One event through the general methods (after the document: only a second one is an error)."""
        if self.done:
            if isinstance(ev, yaml.DocumentStartEvent):
                self._stop(ev.start_mark, (), "tệp chỉ được có một tài liệu YAML, gặp dấu '---' thứ hai"
                           " (one YAML document per file)")
            return
        self._event(ev)

    def _loop(self, get_event: Any) -> None:
        """Every event without noting positions: the common ones inline, the others by :meth:`_general`.

        Inline: untagged, unanchored scalars that are strings, and untagged, unanchored lists and
        mappings below the top, while under the limits. Sizes of collections are not kept here:
        only aliases use them, and an anchor stops this parse (:class:`_NeedPositions`).
        """
        stack = self.stack
        pasted = self.pasted
        limit = MAX_VALUES - 1
        # first characters some implicit resolver looks at (bool, int, float, null, timestamp, ...):
        # a plain scalar starting with another character is a string without asking the resolver
        looked_at = frozenset(_IMPLICIT) if None not in _IMPLICIT and not _resolver.yaml_path_resolvers else None
        # short plain scalars already resolved in this file: keys and codes recur on every row
        resolved: dict[str, bool] = {}
        total = self.total                       # self.total, kept in step around _general()
        while True:
            ev = get_event()
            if ev is None:
                self.total = total
                return
            kind = type(ev)
            if kind is _ScalarEvent:
                value = ev.value
                if not stack or total >= limit or ev.anchor is not None or ev.tag is not None:
                    self.total = total
                    self._general(ev)
                    total = self.total
                    continue
                if ev.implicit[0] and (looked_at is None or not value or value[0] in looked_at):
                    is_str = resolved.get(value)
                    if is_str is None:
                        is_str = _plain_is_str(value)
                        if len(value) <= 40:
                            resolved[value] = is_str
                    if not is_str:                       # a number, date, boolean, null, ...
                        self.total = total
                        self._general(ev)
                        total = self.total
                        continue
                # an untagged, unanchored string
                total += 1
                if pasted:
                    value = value.translate(_UNPASTE_MAP)
                top = stack[-1]
                if not top.is_map:
                    top.value.append(value)
                elif top.key_pending:
                    if top.key_ok:
                        top.value[top.key] = value
                    top.key_pending = False
                elif value in top.value:
                    raise _NeedPositions                 # a duplicate key: reported with the first one's line
                else:
                    top.key, top.key_ok, top.key_pending = value, True, True
            elif kind is _MapStart or kind is _SeqStart:
                top = stack[-1] if stack else None
                if (top is None or total >= limit or ev.anchor is not None or ev.tag is not None
                        or len(stack) >= MAX_DEPTH or top.is_map and not top.key_pending):
                    self.total = total
                    self._general(ev)
                    total = self.total
                    continue
                if not top.is_map:
                    path = top.path + (len(top.value),)
                elif top.key_ok:
                    path = top.path + (top.key,)
                else:
                    path = top.path + ("?",)
                total += 1
                if kind is _MapStart:
                    stack.append(_Frame(True, path, None, {}))
                else:
                    stack.append(_Frame(False, path, None, []))
            elif (kind is _MapEnd or kind is _SeqEnd) and len(stack) > 1 and stack[-1].anchor is None:
                frame = stack.pop()
                top = stack[-1]
                if not top.is_map:
                    top.value.append(frame.value)
                elif top.key_pending:
                    if top.key_ok:
                        top.value[top.key] = frame.value
                    top.key_pending = False
                else:
                    self._key(top, frame.value, ev.start_mark)   # a collection used as a key: reported
            else:
                self.total = total
                self._general(ev)
                total = self.total

    def _event(self, ev: Any) -> None:
        if isinstance(ev, yaml.ScalarEvent):
            self._scalar(ev)
        elif isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._start(ev)
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self._end(ev)
        elif isinstance(ev, yaml.AliasEvent):
            self._alias(ev)

    def _start(self, ev: Any) -> None:
        is_map = isinstance(ev, yaml.MappingStartEvent)
        path = self._child_path()
        if path is None:     # a list or mapping used as a key
            path = self.stack[-1].path
            self._fail(ev.start_mark, path, "khóa phải là chữ, không phải danh sách hay bảng"
                       " (a key must be a plain word)")
            path = path + ("?",)
        if len(self.stack) >= MAX_DEPTH:
            self._stop(ev.start_mark, path, TOO_DEEP, hint=TOO_DEEP_HINT)
        tag = ev.tag
        if tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
            self._fail(ev.start_mark, path, f"thẻ YAML '{tag}' không được hỗ trợ (unsupported YAML tag)")
        self._count(1, ev.start_mark, path)
        if ev.anchor:
            if not self.record:
                raise _NeedPositions
            self.open_anchors.add(ev.anchor)
            self.anchored += 1
        self._record(path, "marks", self._mark(ev.start_mark))
        self.stack.append(_Frame(is_map, path, ev.anchor, {} if is_map else [], log_start=len(self.log) - 1))

    def _end(self, ev: Any) -> None:
        frame = self.stack.pop()
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.value, frame.size, self.log[frame.log_start:], frame.path)
            self.anchored -= 1
            if not self.anchored:
                self.log.clear()
        self._place(frame.value, frame.size, ev.start_mark)

    def _place(self, value: Any, size: int, m: Any) -> None:
        """Attach a finished value to its parent (as a key or a value) or make it the document."""
        if not self.stack:
            self.src.data = value
            self.done = True
            return
        top = self.stack[-1]
        top.size += size
        if not top.is_map:
            top.value.append(value)
        elif not top.key_pending:
            self._key(top, value, m)
        else:
            if top.key_ok:
                top.value[top.key] = value
            top.key_pending = False

    def _key(self, top: _Frame, key: Any, m: Any) -> None:
        top.key_pending, top.key_ok, top.key = True, False, key
        mark = self._mark(m)
        if key is _MERGE:
            self._fail(m, top.path, "khóa gộp '<<' (merge key) không được hỗ trợ; viết đủ các khóa"
                       " (write the keys out)")
            return
        if key is _INVALID or isinstance(key, (dict, list)):
            return   # already reported
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            self._fail(m, top.path, "khóa phải là chữ (a key must be a plain word)", found=repr(key))
            return
        key = str(key)
        kpath = top.path + (key,)
        if key in top.value:
            if not self.record:
                raise _NeedPositions
            first = self.src.key_marks[kpath]
            self._fail(m, kpath,
                       f"khóa '{key}' lặp lại, đã có ở dòng {first[0]} (duplicate key, first at line {first[0]})",
                       hint="gộp hai phần lại hoặc đổi tên một khóa: YAML chỉ giữ một (merge them: YAML keeps"
                       " only one)")
            return
        top.key, top.key_ok = key, True
        self._record(kpath, "key_marks", mark)

    def _scalar(self, ev: Any) -> None:
        if ev.anchor and not self.record:
            raise _NeedPositions
        path = self._child_path()
        as_key = path is None
        if as_key:
            path = self.stack[-1].path
        self._count(1, ev.start_mark, path)
        value = self._construct(ev, path, as_key)
        if self.pasted and isinstance(value, str):
            value = value.translate(_UNPASTE_MAP)
        if not as_key:
            self._record(path, "marks", self._mark(ev.start_mark))
            if isinstance(value, str):
                self._record(path, "spans", (ev.start_mark.index, ev.end_mark.index))
        if ev.anchor:
            self.anchors[ev.anchor] = (value, 1, [], path)
        self._place(value, 1, ev.start_mark)

    def _construct(self, ev: Any, path: Path_, as_key: bool = False) -> Any:
        tag = ev.tag
        if tag is None and not ev.implicit[0] or tag == "!":   # quoted or '!': a string, nothing to resolve
            return ev.value
        if tag is None:
            tag = _resolver.resolve(yaml.ScalarNode, ev.value, ev.implicit)
        if tag == "tag:yaml.org,2002:str":
            return ev.value
        if tag == "tag:yaml.org,2002:merge":
            return _MERGE
        if tag not in _SCALARS:
            self._fail(ev.start_mark, path, f"thẻ YAML '{tag}' không được hỗ trợ (unsupported YAML tag)")
            return _INVALID
        if tag == "tag:yaml.org,2002:int" and sum(c.isdigit() for c in ev.value) > MAX_DIGITS:
            self._fail(ev.start_mark, path, f"số quá dài: hơn {MAX_DIGITS} chữ số (number longer than"
                       f" {MAX_DIGITS} digits)", found=ev.value[:40] + "…")
            return _INVALID
        node = yaml.ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
        try:
            value = _constructor.yaml_constructors[tag](_constructor, node)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
            is_date = tag.endswith("timestamp")
            what = "khóa không hợp lệ (invalid key)" if as_key else "giá trị không hợp lệ (invalid value)"
            self._fail(ev.start_mark, path, f"{what} '{ev.value}'"
                       + (": ngày không có thật (no such date)" if is_date else f": {exc}"),
                       expected="ngày có thật dạng YYYY-MM-DD, ví dụ 2025-04-29" if is_date else None)
            return _INVALID
        if isinstance(value, float) and not math.isfinite(value):
            return value    # refused by the model where a number is expected; text fields say "text"
        if isinstance(value, dt.datetime):
            value = value.date() if value.time() == dt.time() and value.tzinfo is None else value
        return value

    def _alias(self, ev: Any) -> None:
        if not self.record:
            raise _NeedPositions
        path = self._child_path()
        as_key = path is None
        if as_key:
            path = self.stack[-1].path
        name = ev.anchor
        if name in self.open_anchors:
            self._stop(ev.start_mark, path, f"bí danh đệ quy '*{name}' nằm trong chính nó (recursive alias)")
        if name not in self.anchors:
            self._stop(ev.start_mark, path, f"bí danh '*{name}' chưa được định nghĩa bằng '&{name}'"
                       " (undefined alias)")
        value, size, log, origin = self.anchors[name]
        self.alias_values += size
        if self.alias_values > MAX_ALIAS_VALUES:
            self._stop(ev.start_mark, path,
                       f"bí danh (alias) lặp lại quá nhiều: quá {format_amount(MAX_ALIAS_VALUES)} giá trị sau khi mở"
                       f" rộng (aliases expand to more than {MAX_ALIAS_VALUES:,} values)",
                       hint="viết thẳng nội dung thay vì lồng các bí danh *tên (write the content out)")
        self._count(size, ev.start_mark, path)
        value = copy.deepcopy(value) if isinstance(value, (dict, list)) else value
        if not as_key:
            # positions inside the copy point at where the anchored content is written
            n = len(origin)
            for sub, table, entry in log:
                if sub[:n] == origin and table != "spans":
                    self._record(path + sub[n:], table, entry)
            self._record(path, "marks", self._mark(ev.start_mark))
        self._place(value, size, ev.start_mark)


class _Sentinel:
    def __repr__(self) -> str:
        return "<invalid>"


_MERGE = _Sentinel()
_INVALID = _Sentinel()


def line_of_offset(lines: list[str], start: int | None, offset: int) -> int | None:
    """Line of character ``offset`` of a text value whose first text line is ``start``.

    Folded text is read back line by line (each line break is one space), so the position inside
    a long paragraph maps to the line the writer sees.
    """
    if start is None:
        return None
    seen = 0
    for n in range(start - 1, len(lines)):
        seg = lines[n].strip()
        if n == start - 1 and ": " in seg and not seg.startswith(("-", ">", "|")):
            seg = seg.split(": ", 1)[1]
        seen += len(seg) + 1
        if seen > offset:
            return n + 1
    return start
