"""Reader: a plan YAML file (plus its organisation profile) → a validated :class:`Plan`.

Steps: parse with positions → tidy every text (NFC, spaces, quotes) → expand {{ ... }}
expressions in a sandbox → resolve the profile, units and signer → validate with the model.
Every problem is collected with its file, line, column and field before anything is raised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import typing
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import PlanError, Problem, did_you_mean, shorten, warn
from ..core.gcpause import gc_paused
from ..lang import numbering
from ..lang.typography import _SPACE_BEFORE, MarkupError, clean, parse_inline
from ..lint import plan_rules as lint
from ..yamlio.source import Path_, Source, load, path_text, vi_number

if typing.TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from ..model.plan import Org, Plan

#: Where a profile named ``org: quan3`` is looked up, relative to the plan's folder.
ORG_DIRS = ("orgs", "../orgs")



def read_plan(path: str | Path) -> Plan:
    """Read, resolve and validate the plan at ``path``."""
    with gc_paused():          # see generator/core/gcpause.py
        return _read_plan(Path(path))


def _read_plan(path: Path) -> Plan:
    src = load(path)
    problems: list[Problem] = []
    data = src.data
    if not isinstance(data, dict):
        raise PlanError([src.problem((), "tệp kế hoạch phải là một bảng khóa: giá trị (a plan is a mapping)",
                                     found=type(data).__name__)])
    # What `kh check` calls an error (text kh adds typed by hand: the document would print it twice)
    # stops the build too, so check and build always agree.
    problems.extend(f.problem(src.file) for f in lint.error_findings(src))
    slots = _Slots()     # the texts the passes below look at, found once by _tidy
    _tidy(data, (), src, problems, slots=slots)
    org, org_src = _resolve_org(data, path, src, problems)
    if org is not None:
        if not problems:   # expressions never run once the plan is known to be wrong
            _expand(data, (), src, _jinja_context(data, org), problems, slots=slots)
        _plain_fields(data, src, problems, slots=slots)
        _resolve_units(data, org, src, problems)
        _resolve_signer(data, org, src, problems)
        data["org"] = org
    else:
        _plain_fields(data, src, problems, slots=slots)
    warn(src.warnings)
    try:
        plan = _validate(_model("Plan"), data, src)
    except PlanError as exc:
        known = {(p.line, p.column) for p in problems}
        problems.extend(p for p in exc.problems if (p.line, p.column) not in known)
    if problems:
        unique = {(p.file, p.line, p.column, p.path, p.message): p for p in problems}
        raise PlanError(sorted(unique.values(), key=lambda p: (p.file, p.line or 0, p.column or 0)))
    _resolve_templates(plan, org, path, src, org_src)
    return plan


def _resolve_templates(plan: Plan, org: Org | None, path: Path, src: Source, org_src: Source | None) -> None:
    """Make ``template:`` paths absolute; refuse ones outside the plans folder (see generator.core.confine)."""
    from ..core.confine import ALLOW_HINT, is_inside, outside_message

    # The plans folder: the plan's own, or its parent when the profile came from ../orgs.
    root = path.resolve().parent
    if org_src is not None and not is_inside(Path(org_src.file), root):
        root = root.parent
    problems: list[Problem] = []
    owners = [(plan, path.parent, src)]
    if org is not None and org_src is not None:
        owners.append((org, Path(org_src.file).parent, org_src))
    for owner, base, where in owners:
        if owner.template is None:
            continue
        if "\x00" in owner.template:
            problems.append(where.problem(("template",), "đường dẫn mẫu chứa ký tự NUL (NUL byte in template path)",
                                          found=shorten(owner.template)))
            continue
        target = (base / owner.template).resolve()
        refused = outside_message(target, root, f"mẫu {target}")
        if refused:
            problems.append(where.problem(("template",), refused, found=f"'{owner.template}'", hint=ALLOW_HINT))
        owner.template = str(target)
    if problems:
        raise PlanError(problems)


def read_org(path: str | Path) -> Org:
    """Read and validate an organisation profile."""
    src = load(Path(path))
    problems: list[Problem] = []
    _tidy(src.data, (), src, problems, profile=True)
    _plain_fields(src.data, src, problems, profile=True)
    warn(src.warnings)
    if problems:
        raise PlanError(problems)
    return _validate(_model("Org"), src.data, src)


# ------------------------------------------------------------------ text pass
#: Longest text one field may hold, also after its expressions are expanded (characters).
MAX_TEXT = 100_000

# Keys whose string values are identifiers, codes or paths, not prose: never reformatted.
_IDENT_KEYS = {"org", "template", "unit", "signer", "symbol", "lead", "support", "numbering", "type", "key",
               "label", "unit_line", "about"}
# Plan fields printed as plain text (header, properties, table headings): marks cannot be rendered there.
_PLAIN_TOP = {"subject", "recipients", "archive", "attached_to", "org", "signer"}
_PLAIN_DECISION = {"subject", "recipients", "archive", "authority", "issuer", "signer"}
_PLAIN_APPENDIX = {"title", "heading", "topic_header", "fields", "columns"}

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_JINJA = ("{{", "{%", "{#")
_JINJA_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _clean_prose(text: str) -> str:
    """:func:`clean` outside {{ ... }} blocks: quotes inside an expression stay straight quotes."""
    if "{" not in text or not any(t in text for t in _JINJA):
        return clean(text)
    blocks: list[str] = []

    def hold(m: re.Match[str]) -> str:
        blocks.append(m.group())
        return f"\ufdd3{len(blocks) - 1}\ufdd4"

    out = clean(_JINJA_BLOCK.sub(hold, text))
    return re.sub("\ufdd3(\\d+)\ufdd4", lambda m: blocks[int(m.group(1))], out)


def _without_expressions(text: str) -> str:
    """``text`` with each {{ ... }} / {% ... %} blanked out (same length): ``**`` in ``10**9`` is no mark."""
    if "{" not in text or not any(t in text for t in _JINJA):
        return text
    return _JINJA_BLOCK.sub(lambda m: " " * len(m.group()), text)


def _kind(path: Path_, profile: bool) -> str:
    """'skip' (variables), 'ident' (codes, paths), 'plain' (no marks printable) or 'prose'."""
    if not profile and path[:1] == ("org",):       # a profile written inline in the plan
        return _kind(path[1:], True) if len(path) > 1 else "ident"
    names = [p for p in path if isinstance(p, str)]
    last = names[-1] if names else ""
    if profile:
        if names[:1] == ["units"]:
            # "noi-vu: Phòng Nội vụ" or "noi-vu: {name: ...}": printed in headings and task cells
            return "prose" if len(names) == 2 or (len(names) == 3 and last == "name") else "ident"
        return "ident" if last in ("symbol", "template") else "plain"
    if names[:1] == ["variables"]:
        return "skip"
    if last == "unit" and "items" in names:          # a budget row's unit of measure
        return "plain"
    if last in _IDENT_KEYS:
        return "ident"
    head = names[0] if names else ""
    if head in _PLAIN_TOP:
        return "plain"
    if head == "decision" and len(names) > 1 and names[1] in _PLAIN_DECISION:
        return "plain"
    if head == "appendices" and len(names) > 1 and names[1] in _PLAIN_APPENDIX:
        return "plain"
    if head == "tasks" and last == "group":
        return "plain"
    return "prose"


#: Where a text of the plan sits: (its mapping or list, its key there, its path, its kind).
_Slot = tuple[Any, Any, Path_, str]


@dataclasses.dataclass
class _Slots:
    """Where the texts later passes look at are, as :func:`_walk` found them (in walk order).

    Between those passes the plan changes only in its texts, and none gains or loses a "{" (the
    text pass and the plain-field pass never write one; expressions run once, last), so these
    lists stay exact.
    """

    plain: list[_Slot] = dataclasses.field(default_factory=list)    # texts of kind "plain"
    braced: list[_Slot] = dataclasses.field(default_factory=list)   # texts holding "{" (expressions)


def _walk(value: Any, path: Path_, fn: Callable[[str, Path_, str], str], *, profile: bool = False,
          kinds: frozenset[str] | None = None, needle: str | None = None, slots: _Slots | None = None,
          keep: Callable[[str], bool] | None = None) -> Any:
    """Apply ``fn(text, path, kind)`` to every string of a plan, in place, without recursion limits.

    ``kind`` is :func:`_kind` of the string's path below ``path`` (the walk's start). Only strings
    whose kind is in ``kinds`` (all when None) and that contain ``needle`` (when given) are passed
    to ``fn``; the others stay as they are. Kinds depend on the keys of the path only, so they are
    worked out once per distinct key path (a plan has few: its schema's). ``slots`` (when given)
    collects, in order, the strings passed to ``fn`` that later passes need (see :class:`_Slots`),
    as ``fn`` left them, for :func:`_replay`. ``keep``: strings it says
    ``fn`` would return unchanged are collected but not passed.
    """
    if isinstance(value, str):
        kind = _kind((), profile)
        if (kinds is None or kind in kinds) and (needle is None or needle in value):
            return fn(value, path, kind)
        return value
    # per (string keys of a container's path below the start, under "org" at the top):
    # its children's kinds by key (None: a list item, or a key that is not a string)
    shapes: dict[tuple[tuple[str, ...], bool], dict[str | None, str]] = {}
    # (container, its path, its path below the start, the string keys of that, under "org" at the top)
    stack: list[tuple[Any, Path_, Path_, tuple[str, ...], bool]] = [(value, path, (), (), False)]
    while stack:
        node, where, rel, names, head = stack.pop()
        is_dict = isinstance(node, dict)
        shape = shapes.setdefault((names, head), {}) if rel else None
        for key, item in list(node.items()) if is_dict else list(enumerate(node)):
            if isinstance(item, str):
                if needle is not None and needle not in item:
                    continue
                if shape is None:
                    kind = _kind((key,), profile)
                else:
                    name = key if is_dict and isinstance(key, str) else None
                    kind = shape.get(name)
                    if kind is None:
                        kind = shape[name] = _kind(rel + (key,), profile)
                if kinds is None or kind in kinds:
                    sub_where = where + (key,)
                    if keep is None or not keep(item):
                        node[key] = item = fn(item, sub_where, kind)
                    if slots is not None:
                        if kind == "plain":
                            slots.plain.append((node, key, sub_where, kind))
                        if "{" in item:
                            slots.braced.append((node, key, sub_where, kind))
            elif isinstance(item, (dict, list)):
                stack.append((item, where + (key,), rel + (key,), names + (key,) if isinstance(key, str) else names,
                              head if rel else key == "org"))
    return value


def _replay(slots: list[_Slot], fn: Callable[[str, Path_, str], str], kinds: frozenset[str],
            needle: str | None = None) -> None:
    """:func:`_walk` again over the strings it collected (the plan's shape has not changed since):
    the same strings in the same order, each read anew from its place."""
    for node, key, where, kind in slots:
        if kind in kinds:
            text = node[key]
            if needle is None or needle in text:
                node[key] = fn(text, where, kind)


# Characters that make _tidy change a text or look closer: line breaks, characters XML cannot hold,
# spaces other than U+0020, straight double quotes, emphasis and footnote marks. Expressions need
# no look: _clean_prose cleans around them, so a text clean as a whole comes back as it is.
_TIDY_SPECIAL = re.compile("[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
                           "\t\u00a0\u2002-\u200a\u202f\u3000\"*\\\\^\\[\\]]")


def _untouched(text: str) -> bool:
    """True when :func:`_tidy` keeps ``text`` exactly as it is with nothing to report (most texts):
    not too long, NFC, no character above, no space before punctuation, after "(" or at either end."""
    return (len(text) <= MAX_TEXT and _TIDY_SPECIAL.search(text) is None and _SPACE_BEFORE.search(text) is None
            and "( " not in text and not text[:1].isspace() and not text[-1:].isspace()
            and unicodedata.is_normalized("NFC", text))


_TIDIED = frozenset({"ident", "plain", "prose"})      # every kind but "skip" (variables)
_PLAIN = frozenset({"plain"})
_EXPANDED = frozenset({"prose", "plain"})


def _bad_chars(text: str) -> str:
    if _XML_BAD.search(text) is None:
        return ""
    return ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(_XML_BAD.findall(text)))


def _too_long(src: Source, where: Path_, n: int, after: str = "") -> Problem:
    return src.problem(where, f"văn bản quá dài{after}: {vi_number(n)} ký tự, giới hạn {vi_number(MAX_TEXT)}"
                       f" (text longer than the limit of {MAX_TEXT:,} characters)",
                       hint="chia thành nhiều đoạn hoặc rút gọn (split it into paragraphs)")


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


def _tidy(value: Any, path: Path_, src: Source, problems: list[Problem], *, profile: bool = False,
          slots: _Slots | None = None) -> Any:
    """Clean every text in place (NFC, spacing, quotes), check its size and its emphasis/footnote marks.

    Characters XML cannot hold are removed from prose with a located warning; in codes and
    paths they are errors. ``slots`` (when given) collects where each text is, for later passes.
    """

    def tidy(raw: str, where: Path_, kind: str) -> str:
        if len(raw) > MAX_TEXT:
            problems.append(_too_long(src, where, len(raw)))
            return raw
        bad = _bad_chars(raw)
        if kind == "ident":
            if bad:
                problems.append(src.problem(where, f"mã hoặc đường dẫn chứa ký tự điều khiển {bad}"
                                            " (control character in a code or path)", found=repr(raw)[:60]))
            return unicodedata.normalize("NFC", raw)
        if bad:
            src.warnings.append(src.problem(where, f"đã bỏ ký tự Word/XML không chứa được: {bad}"
                                            " (removed characters XML cannot hold)", found=repr(raw)[:60]))
        text = _clean_prose(raw)
        try:
            parse_inline(_without_expressions(text))
        except MarkupError as exc:
            problems.append(_markup_problem(src, where, text, exc, raw))
        return text

    return _walk(value, path, tidy, profile=profile, kinds=_TIDIED, slots=slots, keep=_untouched)


def _plain_fields(value: Any, src: Source, problems: list[Problem], *, profile: bool = False,
                  prefix: Path_ = (), slots: _Slots | None = None) -> None:
    """Fields printed as plain text: refuse emphasis and footnotes there, turn escapes (\\*) into the mark.

    ``prefix``: where ``value`` sits in the file (an inline profile is ``("org",)``). ``slots``: the
    texts of ``value`` as :func:`_tidy` collected them (the same walk, without walking again).
    """

    def check(text: str, where: Path_, kind: str) -> str:
        if not prefix and not profile and where[:1] == ("org",):
            return text        # an inline profile: done by _resolve_org before it is validated
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
        _replay(slots.plain, check, _PLAIN)
    else:
        _walk(value, prefix, check, profile=profile, kinds=_PLAIN)


def _jinja_context(data: dict[str, Any], org: Org) -> dict[str, Any]:
    year = data.get("year")
    date = data.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            pass
    if not isinstance(year, int) and hasattr(date, "year"):
        year = date.year
    if isinstance(year, bool) or not isinstance(year, int):
        year = None
    variables = data.get("variables") if isinstance(data.get("variables"), dict) else {}
    appendices = data["appendices"] if isinstance(data.get("appendices"), list) else []
    return {
        "appendices": numbering.appendix_names(appendices),
        "year": year,
        "previous_year": year - 1 if isinstance(year, int) else None,
        "next_year": year + 1 if isinstance(year, int) else None,
        "number": data.get("number"),
        "date": date if isinstance(date, dt.date) else None,
        "org": org.model_dump(include={"name", "short_name", "place", "symbol"}),
        "variables": variables,
    }


def _expand(value: Any, path: Path_, src: Source, ctx: dict[str, Any], problems: list[Problem],
            slots: _Slots | None = None) -> Any:
    """Render {{ ... }} / {% ... %} in prose strings, in place, in the bounded sandbox.

    The result is cleaned and its marks checked again: an expression can make markup.
    ``slots``: the texts of ``value`` as :func:`_tidy` collected them.
    """

    def expand(text: str, where: Path_, kind: str) -> str:
        if where[:1] == ("org",) or not any(t in text for t in _JINJA):
            return text        # a profile's text (inline too) is literal: no expressions there
        from ..core.sandbox import explain

        try:
            out = _compiled(text).render(ctx)
        except Exception as exc:  # noqa: BLE001 - every Jinja failure becomes a located problem
            name = exc.message if hasattr(exc, "message") and type(exc).__name__ == "UndefinedError" else None
            problems.append(src.problem(where, f"biểu thức Jinja {{{{ }}}}: {explain(exc)}",
                                        expected=("một trong: " + ", ".join(sorted(ctx))) if name else None,
                                        found=shorten(text)))
            return text
        if len(out) > MAX_TEXT:
            problems.append(_too_long(src, where, len(out), " sau khi tính biểu thức"))
            return text
        bad = _bad_chars(out)
        if bad:
            src.warnings.append(src.problem(where, f"đã bỏ ký tự Word/XML không chứa được: {bad}"
                                            " (removed characters XML cannot hold)", found=shorten(out)))
        out = clean(out)
        try:
            parse_inline(out)
        except MarkupError as exc:
            problems.append(src.problem(where, f"dấu định dạng sai sau khi tính biểu thức: {exc}"
                                        " (marks made by an expression)", found=shorten(out),
                                        hint="biểu thức không được tạo dấu ** hay ^[ lẻ (an expression made an"
                                        " unbalanced mark)"))
            return text
        return out

    # every expression starts with "{": a string without one is passed over without a call
    if slots is not None:
        _replay(slots.braced, expand, _EXPANDED, needle="{")
        return value
    return _walk(value, path, expand, kinds=_EXPANDED, needle="{")


_SANDBOX = None
_COMPILED: dict[str, Any] = {}


def _compiled(text: str) -> Any:
    """The sandbox's template for ``text`` (the same wording often recurs in a plan)."""
    template = _COMPILED.get(text)
    if template is None:
        if len(_COMPILED) > 2048:
            _COMPILED.clear()
        template = _COMPILED[text] = _sandbox().from_string(text)
    return template


def _sandbox() -> Any:
    """The bounded Jinja sandbox of generator.core.sandbox (no lipsum, cycler, date.today(), huge ranges)."""
    global _SANDBOX
    if _SANDBOX is None:
        from ..core.sandbox import make_env

        _SANDBOX = make_env(autoescape=False, max_output=MAX_TEXT)
    return _SANDBOX


# ------------------------------------------------------------------ resolution
def _resolve_org(data: dict[str, Any], plan_path: Path, src: Source,
                 problems: list[Problem]) -> tuple[Org | None, Source | None]:
    ref = data.get("org")
    if isinstance(ref, dict):
        before = len(problems)
        _plain_fields(ref, src, problems, profile=True, prefix=("org",))
        if len(problems) > before:
            return None, None
        try:
            return _validate(_model("Org"), ref, src, prefix=("org",)), None
        except PlanError as exc:
            problems.extend(exc.problems)
            return None, None
    if not isinstance(ref, str):
        problems.append(src.problem(("org",), "thiếu hồ sơ tổ chức 'org' (missing organisation profile)",
                                    expected="mã hồ sơ, ví dụ 'quan3' (tệp orgs/quan3.yaml)",
                                    found=shorten(ref) if ref is not None else "không có (nothing)"))
        return None, None
    from ..core.confine import ALLOW_HINT, outside_message

    if _XML_BAD.search(ref):   # NUL or another control character: reported by the text pass
        return None, None
    if len(ref) > 200:
        problems.append(src.problem(("org",), "mã hồ sơ quá dài (profile code too long)",
                                    expected="mã hồ sơ, ví dụ 'quan3' (tệp orgs/quan3.yaml)", found=shorten(ref)))
        return None, None
    for folder in ORG_DIRS:
        cand = (plan_path.parent / folder / f"{ref}.yaml").resolve()
        if cand.is_file():
            # inside the plans folder (the plan's, or its parent for ../orgs), symlinks resolved
            refused = outside_message(cand, (plan_path.parent / folder).parent, f"hồ sơ tổ chức {cand}")
            if refused:
                problems.append(src.problem(("org",), refused, found=f"'{ref}'", hint=ALLOW_HINT))
                return None, None
            org_src = load(cand, _display(cand))
            try:
                before = len(problems)
                _tidy(org_src.data, (), org_src, problems, profile=True)
                _plain_fields(org_src.data, org_src, problems, profile=True)
                warn(org_src.warnings)
                if len(problems) > before:
                    return None, None
                return _validate(_model("Org"), org_src.data, org_src), org_src
            except PlanError as exc:
                problems.extend(exc.problems)
                return None, None
    known = sorted({p.stem for d in ORG_DIRS for p in (plan_path.parent / d).glob("*.yaml")})
    problems.append(src.problem(("org",), f"không tìm thấy hồ sơ tổ chức '{ref}' (profile not found)",
                                expected="một trong: " + (", ".join(known) or "(chưa có hồ sơ nào trong orgs/)"),
                                found=f"'{ref}'", hint=did_you_mean(ref, known)))
    return None, None


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _resolve_units(data: dict[str, Any], org: Org, src: Source, problems: list[Problem]) -> None:
    """Replace unit keys (assignments, task lead/support) by the profile's names; fill ``request``."""
    by_name = {u.name: u for u in org.units.values()}

    def resolve(container: dict[str, Any], key: str, path: Path_) -> bool:
        """Resolve ``container[key]`` in place; return True if any unit is a requested body."""
        refs = container.get(key)
        single = isinstance(refs, (str, dict))
        refs = [refs] if single else refs
        if not isinstance(refs, list):
            return False
        names, request = [], False
        for k, ref in enumerate(refs):
            if isinstance(ref, dict) and set(ref) == {"text"} and isinstance(ref["text"], str):
                names.append(ref["text"])   # free wording outside the profile, e.g. "Phòng Nội vụ theo dõi"
                continue
            unit = org.units.get(ref) if isinstance(ref, str) else None
            unit = unit or (by_name.get(ref) if isinstance(ref, str) else None)
            if unit is None:
                choices = list(org.units) + list(by_name)
                close = difflib.get_close_matches(str(ref), choices, n=1, cutoff=0.5)
                problems.append(src.problem(
                    path if single else path + (k,),
                    f"đơn vị '{ref}' không có trong hồ sơ tổ chức (unknown unit)",
                    expected="mã đơn vị trong 'units' của hồ sơ, ví dụ " + ", ".join(list(org.units)[:4]),
                    found=shorten(ref),
                    hint=(f"có phải ý bạn là '{close[0]}'? (did you mean '{close[0]}'?)" if close
                          else "thêm đơn vị vào 'units' của hồ sơ (add it to the profile's units)")))
                continue
            names.append(unit.name)
            request = request or unit.request
        container[key] = names
        return request

    _resolve_assignments(data.get("sections"), ("sections",), resolve)
    groups = data.get("tasks")
    for g, group in enumerate(groups if isinstance(groups, list) else []):
        if not isinstance(group, dict) or not isinstance(group.get("tasks"), list):
            continue
        for t, task in enumerate(group["tasks"]):
            if isinstance(task, dict):
                for key in ("lead", "support"):
                    resolve(task, key, ("tasks", g, "tasks", t, key))


def _resolve_assignments(sections: Any, path: Path_, resolve: Callable[[dict[str, Any], str, Path_], bool]) -> None:
    """Resolve the units of every section's assignments, subsections first.

    A module function, not a closure calling itself: such a closure is a reference cycle that
    would keep the whole parsed file alive until the cycle collector runs.
    """
    if not isinstance(sections, list):
        return
    for i, sec in enumerate(sections):
        if not isinstance(sec, dict):
            continue
        spath = path + (i,)
        _resolve_assignments(sec.get("sections"), spath + ("sections",), resolve)
        assignments = sec.get("assignments")
        if not isinstance(assignments, list):
            continue
        for j, asg in enumerate(assignments):
            if isinstance(asg, dict):
                request = resolve(asg, "unit", spath + ("assignments", j, "unit"))
                if asg.get("request") is None:
                    asg["request"] = request


def _resolve_signer(data: dict[str, Any], org: Org, src: Source, problems: list[Problem],
                    path: Path_ = ()) -> None:
    ref = data.get("signer")
    if isinstance(data.get("decision"), dict):
        _resolve_signer(data["decision"], org, src, problems, path + ("decision",))
    if not isinstance(ref, str):
        return
    signer = org.signers.get(ref)
    if signer is None:
        problems.append(src.problem(path + ("signer",),
                                    f"người ký '{ref}' không có trong hồ sơ tổ chức (unknown signer)",
                                    expected="một trong: " + (", ".join(org.signers) or "(hồ sơ chưa có signers)"),
                                    found=f"'{ref}'", hint=did_you_mean(ref, org.signers)))
        return
    data["signer"] = signer.model_dump()


# ------------------------------------------------------------------ validation
def _model(name: str) -> type[BaseModel]:
    from ..model import plan as model

    return getattr(model, name)


def _validate(cls: type[BaseModel], data: Any, src: Source, prefix: Path_ = ()) -> Any:
    from pydantic import ValidationError

    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise PlanError(_problems(exc, cls, data, src, prefix)) from None


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-branch tags ('str', 'Signer', ...) from an error location.

    A part is kept when it addresses the user's data (a key of a mapping, an index of a
    list); at the last step a missing key (an unknown or required field) is kept too.
    """
    out: list[Any] = []
    for i, part in enumerate(loc):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and (part[:1].isupper() or "[" in part or part in _TAGS):
            continue
        elif i == len(loc) - 1 or not isinstance(data, (dict, list)):
            data = None
        else:
            continue
        out.append(part)
    return tuple(out)


_TAGS = {"str", "int", "float", "bool", "none", "date", "list", "dict", "function-before", "function-after"}


_DATE = "ngày có thật dạng YYYY-MM-DD, ví dụ 2025-04-29"
_INT = "số nguyên, ví dụ 118"
_NUM = "số, ví dụ 1500 hoặc 2,5 viết là 2.5"
_TEXT = "văn bản (text), ví dụ: title: Mục đích, yêu cầu"

#: pydantic error kind → (Vietnamese message with English alongside, what is expected with an example).
_KINDS: dict[str, tuple[str, str | None]] = {
    "string_type": ("cần văn bản (expected text)", _TEXT),
    "string_too_short": ("văn bản quá ngắn (text too short)", None),
    "string_too_long": ("văn bản quá dài (text too long)", None),
    "string_pattern_mismatch": ("văn bản sai dạng (text does not match the expected form)", None),
    "int_type": ("cần số nguyên (expected a whole number)", _INT),
    "int_parsing": ("không phải số nguyên (not a whole number)", _INT),
    "int_from_float": ("cần số nguyên, không có phần lẻ (expected a whole number)", _INT),
    "int_parsing_size": ("số quá lớn (number too large)", _INT),
    "float_type": ("cần một số (expected a number)", _NUM),
    "float_parsing": ("không phải số (not a number)", _NUM),
    "finite_number": ("cần số hữu hạn, không phải .inf hay .nan (expected a finite number)", _NUM),
    "greater_than": ("số quá nhỏ (number too small)", None),
    "greater_than_equal": ("số quá nhỏ (number too small)", None),
    "less_than": ("số quá lớn (number too large)", None),
    "less_than_equal": ("số quá lớn (number too large)", None),
    "multiple_of": ("số không đúng bội (not a multiple)", None),
    "bool_type": ("cần true hoặc false (expected true or false)", "true hoặc false"),
    "bool_parsing": ("cần true hoặc false (expected true or false)", "true hoặc false"),
    "date_type": ("cần một ngày (expected a date)", _DATE),
    "date_parsing": ("ngày không đúng dạng (not a valid date)", _DATE),
    "date_from_datetime_parsing": ("ngày không đúng dạng (not a valid date)", _DATE),
    "date_from_datetime_inexact": ("ngày không được kèm giờ (a date without a time)", _DATE),
    "date_past": ("ngày phải ở quá khứ (date must be in the past)", _DATE),
    "date_future": ("ngày phải ở tương lai (date must be in the future)", _DATE),
    "datetime_type": ("cần ngày giờ (expected a date and time)", _DATE),
    "datetime_parsing": ("ngày giờ không đúng dạng (not a valid date and time)", _DATE),
    "datetime_from_date_parsing": ("ngày giờ không đúng dạng (not a valid date and time)", _DATE),
    "list_type": ("cần một danh sách (expected a list)", "danh sách, mỗi phần tử một dòng '- ...' (a list)"),
    "tuple_type": ("cần một danh sách (expected a list)", "danh sách, mỗi phần tử một dòng '- ...' (a list)"),
    "set_type": ("cần một danh sách (expected a list)", "danh sách, mỗi phần tử một dòng '- ...' (a list)"),
    "too_short": ("danh sách quá ngắn (too few items)", None),
    "too_long": ("danh sách quá dài (too many items)", None),
    "dict_type": ("cần bảng khóa: giá trị (expected a mapping)", "bảng khóa: giá trị, ví dụ {text: ...}"),
    "model_type": ("cần bảng khóa: giá trị (expected a mapping)", "bảng khóa: giá trị, ví dụ {text: ...}"),
    "model_attributes_type": ("cần bảng khóa: giá trị (expected a mapping)", "bảng khóa: giá trị, ví dụ {text: ...}"),
    "none_required": ("phải để trống (must be empty)", None),
    "union_tag_invalid": ("loại không hợp lệ (invalid kind)", None),
    "union_tag_not_found": ("thiếu khóa chọn loại (missing kind key)", None),
    "literal_error": ("giá trị không được phép (value not allowed)", None),
    "enum": ("giá trị không được phép (value not allowed)", None),
    "is_instance_of": ("kiểu giá trị sai (wrong type)", None),
    "assertion_error": ("giá trị không hợp lệ (invalid value)", None),
    "recursion_loop": ("dữ liệu lồng vào chính nó (recursive data)", None),
}

_BOUND_WORDS = {"gt": "lớn hơn", "ge": "từ", "lt": "nhỏ hơn", "le": "tối đa"}

#: Phrases of pydantic's English messages: none may reach the user (tests check this list).
PYDANTIC_ENGLISH = ("Input should", "validation error", "Field required", "Extra inputs", "Value error,",
                    "errors.pydantic.dev", "type=", "input_value")


def _found(value: Any) -> str | None:
    if isinstance(value, dict):
        return "một bảng khóa: giá trị (a mapping)"
    if isinstance(value, list):
        return "một danh sách (a list)"
    return shorten(value)


def _kind_problem(src: Source, path: Path_, err: dict[str, Any], value: Any) -> Problem:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    custom = str(err.get("msg", ""))   # a model's own PydanticCustomError speaks Vietnamese already
    fallback = custom if custom and not any(e in custom for e in PYDANTIC_ENGLISH) else \
        f"giá trị không hợp lệ (invalid value: {kind})"
    message, expected = _KINDS.get(kind, (fallback, None))
    bounds = [f"{_BOUND_WORDS[k]} {ctx[k]}" for k in ("gt", "ge", "lt", "le") if k in ctx]
    if bounds:
        expected = "số " + ", ".join(bounds)
    if kind in ("too_short", "string_too_short") and "min_length" in ctx:
        expected = f"ít nhất {ctx['min_length']} (at least {ctx['min_length']})"
    if kind in ("too_long", "string_too_long") and "max_length" in ctx:
        expected = f"nhiều nhất {ctx['max_length']} (at most {ctx['max_length']})"
    hint = None
    if kind == "string_type" and isinstance(value, dict):
        hint = "viết thẳng lời văn sau dấu ':', không mở bảng {...} (write the text itself, not a mapping)"
    elif kind == "string_type" and isinstance(value, (int, float, bool, dt.date)):
        hint = "đặt trong dấu nháy để là văn bản: '2025' (quote it to make it text)"
    return src.problem(path, message, expected=expected, found=_found(value), hint=hint)


def _problems(exc: ValidationError, cls: type[BaseModel], data: Any, src: Source, prefix: Path_) -> list[Problem]:
    errors = [(_clean_loc(err["loc"], data), err) for err in exc.errors(include_url=False)]
    plain_kinds = ("string_type", "int_type", "list_type")
    seen: dict[Path_, Problem] = {}
    for loc, err in errors:
        kind = err["type"]
        value_here = _get(data, loc)
        # a "text or mapping" union reports both branches; the mapping branch says more
        if kind in plain_kinds and isinstance(value_here, dict) and any(
                e2 is not err and l2[:len(loc)] == loc and e2["type"] not in plain_kinds for l2, e2 in errors):
            continue
        path = prefix + loc
        if kind == "extra_forbidden":
            allowed = _fields_at(cls, loc[:-1])
            key = str(loc[-1])
            prob = src.problem(path, f"khóa không hợp lệ '{key}' (unknown key)", key=True,
                               expected="một trong: " + ", ".join(allowed) if allowed else None,
                               hint=did_you_mean(key, allowed))
        elif kind == "missing":
            prob = src.problem(path[:-1], f"thiếu trường bắt buộc '{loc[-1]}' (missing required field)",
                               expected=_describe(cls, loc))
        elif kind == "value_error":
            msg = str((err.get("ctx") or {}).get("error", "")) or str(err.get("msg", "")).removeprefix("Value error, ")
            if not msg or any(e in msg for e in PYDANTIC_ENGLISH):
                msg = "giá trị không hợp lệ (invalid value)"
            prob = src.problem(path, msg, found=_found(value_here) if not isinstance(value_here, dict) else None)
        elif kind == "literal_error":
            choices = _literal_choices(err)
            prob = src.problem(path, "giá trị không được phép (value not allowed)",
                               expected="một trong: " + ", ".join(choices), found=_found(err.get("input")),
                               hint=did_you_mean(str(err.get("input")), choices))
        else:
            prob = _kind_problem(src, path, err, err.get("input"))
        seen.setdefault(path + (kind,), prob)
    probs = list(seen.values())
    return sorted(probs, key=lambda p: (p.line or 0, p.column or 0)) or [
        src.problem(prefix, "giá trị không hợp lệ (invalid value)")]


def _literal_choices(err: dict[str, Any]) -> list[str]:
    expected = str(err.get("ctx", {}).get("expected", ""))
    return [c.strip(" '\"") for c in expected.replace(" or ", ",").split(",") if c.strip()]


def _get(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _model_at(ann: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` below annotation ``ann``."""
    from pydantic import BaseModel

    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        if not loc:
            return ann
        field = ann.model_fields.get(str(loc[0]))
        return _model_at(field.annotation, loc[1:]) if field is not None else None
    if not loc and origin is None:
        return None
    if origin is list:   # an index, or a single item written where a list is accepted
        if loc and isinstance(loc[0], int):
            return _model_at(args[0], loc[1:])
        return _model_at(args[0], loc)
    if origin is dict:
        return _model_at(args[1], loc[1:]) if loc else None
    for arg in args:  # a union such as "str | Signer"
        found = _model_at(arg, loc)
        if found is not None:
            return found
    return None


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(cls, loc)
    return list(model.model_fields) if model is not None else []


def _describe(cls: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    model = _model_at(cls, loc[:-1])
    if model is None:
        return None
    field = model.model_fields.get(str(loc[-1]))
    return field.description if field is not None else None


__all__ = ["read_plan", "read_org", "path_text"]
