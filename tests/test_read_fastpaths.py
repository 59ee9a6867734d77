"""The reader's fast paths give exactly what the step-by-step paths give.

Reading a 5,000-row plan fast relies on shortcuts: a text that cleaning would not change is
returned at once (``typography.clean``, ``readers.texts.untouched``), plain scalars whose first
character no YAML resolver looks at are strings without asking the resolver, the data is parsed
without positions and the positions are worked out from the kept text when first asked for, the
full control-character scan runs only when the parser could have let one through, and the plan
walks work out each key path's kind once. Each test here compares a shortcut with the path it
replaces, on generated input (fixed hypothesis profile) and on the example plans.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.core.errors import PlanError
from generator.lang import typography
from generator.lint import plan_rules as lint
from generator.model.fields import TEXT_KINDS
from generator.model.kinds import kind_at
from generator.readers import expressions, texts
from generator.yamlio import source as yamlsource
from generator.yamlio.source import Source, _Builder

from .conftest import PLANS

PROFILE = settings(derandomize=True, deadline=None, database=None, max_examples=400,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Characters each shortcut looks at, and their neighbours.
TRICKY = (' \t\n\r\x0b\x0c\x85\xa0\u2000\u2002\u2009\u200a\u200b\u202f\u2028\u3000\x00\x01\x1f\x7f\x9f'
          '\ufffe\ufeff,.;:!?)]…([*^\\"{}%#' + "'" + 'aAđĐ1 ' + 'e\u0301\u0323\u1ebf\u212b\u0340')
FRAGMENTS = ["{{ year }}", "{{ x }}", "{% if a %}b{% endif %}", "{# c #}", "**b**", "*i*", "^[n]", "\\*",
             "Tổ chức", "ngày 05 tháng 02", " ,", "( ", "  ", "“x”", '"q"']
# Mostly ordinary words, now and then one character or fragment a shortcut looks at.
WORDS = ["Tổ", "chức", "năm", "Đ", "1", " ", " ", " ", "(", ")", ",", ".", ":", "–", "“", "”", "…", "{{ year }}"]
TEXT = st.one_of(
    st.lists(st.one_of(st.text(alphabet=TRICKY, max_size=6), st.sampled_from(FRAGMENTS)), max_size=8).map("".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from([*TRICKY, *FRAGMENTS])),
             max_size=12).map("".join))
#: One text for each thing a shortcut must notice, each otherwise plain.
EACH = ["x( a", "a ,b", "a  b", "a …", " a", "a ", "a\n b", "a \nb", "e\u0301", '"a"', "a*b", "a\\*b", "[ a", "a]",
        "^[", "\t", "\xa0", "a\rb", "\x01", "\x85", "\u2028a", "{{ year }} ,", "{{ 'a' }}", "{# x #}", "a{b"]


# ------------------------------------------------------------------ cleaning
@pytest.mark.parametrize("text", EACH)
def test_shortcuts_notice_each_thing(text: str) -> None:
    test_clean_shortcut_matches_every_step.hypothesis.inner_test(text)
    test_tidy_shortcut_matches_full_tidy.hypothesis.inner_test(text)
    test_untouched_texts_need_nothing.hypothesis.inner_test(text)


@settings(PROFILE)
@given(TEXT)
def test_clean_shortcut_matches_every_step(text: str) -> None:
    assert typography.clean(text) == typography._clean(text)


def _tidy_result(data: dict[str, Any], *, shortcut: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as m:
        if not shortcut:
            m.setattr(texts, "untouched", lambda text: False)
        src = Source("plan.yaml", copy.deepcopy(data), text="")
        problems: list[Any] = []
        slots = texts.Slots()
        texts.tidy(src.data, (), src, problems, slots=slots)
        return (src.data, problems, src.warnings, [(s[2], s[3]) for s in slots.plain],
                [(s[2], s[3]) for s in slots.braced])


@settings(PROFILE)
@given(TEXT)
def test_tidy_shortcut_matches_full_tidy(text: str) -> None:
    monkeypatch = pytest.MonkeyPatch()
    data = {"intro": text, "subject": text, "org": text, "variables": {"v": text},
            "tasks": [{"group": text, "tasks": [{"task": text, "lead": text, "product": [text, text]}]}]}
    assert _tidy_result(data, shortcut=True, monkeypatch=monkeypatch) == \
        _tidy_result(data, shortcut=False, monkeypatch=monkeypatch)


@settings(PROFILE)
@given(TEXT)
def test_untouched_texts_need_nothing(text: str) -> None:
    """What ``_untouched`` lets through: cleaning keeps it, no mark, nothing XML cannot hold."""
    if texts.untouched(text):
        assert texts.clean_prose(text) == text
        assert texts.bad_chars(text) == ""
        typography.parse_inline(texts.without_expressions(text))   # no MarkupError


# ------------------------------------------------------------------ resolving plain scalars
SCALARS = ["yes", "No", "on", "OFF", "true", "~", "null", "Null", "", "1", "-1", "+1", "0x1F", "0o17", "1_000",
           "1e3", ".5", ".inf", "-.Inf", ".nan", "2025-01-01", "2025-1-1 10:00:00", "<<", "=", "!", "&", "*",
           "task", "noi-vu", "Tổ chức", "nothing", "t", "N", "0", "1:20", "190:20:30"]


@pytest.mark.parametrize("value", SCALARS)
def test_plain_scalar_shortcut_matches_resolver(value: str) -> None:
    tag = yamlsource._resolver.resolve(yaml.ScalarNode, value, (True, False))
    assert yamlsource._plain_is_str(value) == (tag == "tag:yaml.org,2002:str")


@settings(PROFILE)
@given(st.text(alphabet="0123456789.-+_:eExXoObBtTfFyYnN~<=!&*aZ ", max_size=8))
def test_plain_scalar_shortcut_matches_resolver_generated(value: str) -> None:
    tag = yamlsource._resolver.resolve(yaml.ScalarNode, value, (True, False))
    assert yamlsource._plain_is_str(value) == (tag == "tag:yaml.org,2002:str")


# ------------------------------------------------------------------ parsing without positions
def _typed(value: Any) -> Any:
    """``value`` with every scalar's type next to it (1 == 1.0 == True must not pass)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _recorded(text: str) -> Source:
    src = Source("f.yaml", None, text=text)
    builder = _Builder(src, record=True)
    builder.run(text)
    assert not builder.problems
    return src


def _example_texts() -> list[tuple[str, str]]:
    files = sorted(PLANS.glob("*.yaml")) + sorted((PLANS / "orgs").glob("*.yaml"))
    assert len(files) >= 6
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


@pytest.mark.parametrize(("name", "text"), _example_texts())
def test_fast_parse_gives_the_recording_parse(name: str, text: str) -> None:
    fast = yamlsource.parse(text, name)
    assert fast._unparsed is not None, "an example plan should take the parse without positions"
    slow = _recorded(text)
    assert _typed(fast.data) == _typed(slow.data)
    # positions worked out later are those the recording parse noted
    fast.where(())
    assert fast._unparsed is None
    assert (fast.marks, fast.key_marks, fast.spans) == (slow.marks, slow.key_marks, slow.spans)
    assert len(fast.marks) > 10          # a one-page công văn has 18


KEYS = st.sampled_from(["a", "task", "tasks", "t", "n", "yes", "1", "org", "text", "x y", "“q”"])
LEAF = st.one_of(TEXT, st.integers(-10**6, 10**6), st.booleans(), st.none(),
                 st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
DATA = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                  st.dictionaries(KEYS, inner, max_size=4)), max_leaves=30)


@settings(PROFILE)
@given(st.dictionaries(KEYS, DATA, max_size=5), st.sampled_from([None, False, True]), st.integers(1, 3))
def test_fast_parse_gives_the_recording_parse_generated(data: dict[str, Any], flow: bool | None,
                                                        indent: int) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, indent=indent + 1, width=30)
    except yaml.YAMLError:
        return
    try:
        fast = yamlsource.parse(text, "f.yaml")
    except PlanError as exc:
        # refused (a control character): the recording parse refuses it as well
        with pytest.raises(PlanError) as again:
            yamlsource._check_controls(Source("f.yaml", None, text=text))
        assert again.value.problems == exc.problems
        return
    slow = _recorded(text.translate(yamlsource._PASTE_MAP))
    assert _typed(fast.data) == _typed(slow.data)
    fast.where(())
    assert (fast.marks, fast.key_marks, fast.spans) == (slow.marks, slow.key_marks, slow.spans)


# ------------------------------------------------------------------ control characters
def _refused_by_kh() -> list[int]:
    return [cp for cp in [*range(0xA0), *range(0xFDD0, 0xFDF0), 0xFFFE, 0xFFFF]
            if yamlsource._RAW_BAD.match(chr(cp))]


def test_only_known_controls_pass_the_yaml_parser() -> None:
    """The full control scan is skipped after a clean parse: every character kh refuses is refused by
    the parser too, but those ``_maybe_uncaught_controls`` looks for."""
    for cp in _refused_by_kh():
        for form in ("a: x{}y\n", "# {}\na: 1\n", "a: '{}'\n", "a: |\n  {}\n"):
            text = form.format(chr(cp))
            if yamlsource._maybe_uncaught_controls(text, text.encode("utf-8")):
                continue
            assert yamlsource._maybe_uncaught_controls(text, None) is False
            with pytest.raises(yaml.YAMLError):
                list(yaml.parse(text, Loader=yamlsource._Loader))


@pytest.mark.parametrize("cp", _refused_by_kh())
def test_every_control_character_is_reported_where_it_is(cp: int, tmp_path: Path) -> None:
    text = "org: x\nsubject: Kế hoạch\nintro: |\n  Dòng một\n  Dòng " + chr(cp) + "hai\n"
    label = f"U+{cp:04X}"
    for via_file in (True, False):
        with pytest.raises(PlanError) as exc:
            if via_file:
                path = tmp_path / "plan.yaml"
                path.write_bytes(text.encode("utf-8"))
                yamlsource.load(path)
            else:
                yamlsource.parse(text, "plan.yaml")
        first = exc.value.problems[0]
        assert label in first.message and "ký tự điều khiển" in first.message
        assert (first.line, first.column) == (5, 8)


# ------------------------------------------------------------------ walks
SCHEMA_KEYS = st.sampled_from(["org", "units", "name", "variables", "items", "unit", "tasks", "group", "sections",
                               "title", "decision", "subject", "appendices", "heading", "symbol", "template",
                               "text", "signer", "lead"])
TREE = st.recursive(st.just("t"), lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                          st.dictionaries(SCHEMA_KEYS, inner, max_size=4)),
                    max_leaves=25)


INLINE_ORG = {"org": {"units": {"noi-vu": "t", "btg": {"name": "t", "unit": "t"}}, "template": "t", "name": "t",
                      "signers": [{"name": "t"}]},
              "variables": {"org": "t", "units": {"a": "t"}},
              "appendices": [{"items": [{"unit": "t", "title": "t"}], "title": "t"}],
              "tasks": [{"group": "t", "tasks": [{"task": "t", "lead": ["t"]}]}]}


@settings(PROFILE)
@given(st.dictionaries(SCHEMA_KEYS, TREE, max_size=5), st.booleans(), st.sampled_from([(), ("org",), ("x", 1)]))
@example(INLINE_ORG, False, ()).via("an inline profile")
@example(INLINE_ORG, True, ()).via("a profile")
@example(INLINE_ORG, False, ("org",)).via("below a prefix")
def test_walk_kinds_are_kind_of_each_path(data: dict[str, Any], profile: bool, start: tuple[Any, ...]) -> None:
    """The reader's walk works each kind out once per container shape: it is the model's kind of
    each string's own path; lint checks exactly the strings it calls prose or plain."""
    root = "org" if profile else "plan"
    seen: list[tuple[tuple[Any, ...], str]] = []

    def note(text: str, where: tuple[Any, ...], kind: str) -> str:
        seen.append((where, kind))
        return text

    texts.walk(data, start, note, root=root)
    assert len(seen) == len(_all_strings(data, start)) == len({where for where, _ in seen})
    for where, kind in seen:
        assert kind == kind_at(where[len(start):], root)
    if not start:
        linted = {p for p, _ in lint._strings(data, (), root=root)}
        assert {where for where, kind in seen if kind in TEXT_KINDS} == linted


def _all_strings(value: Any, path: tuple[Any, ...], root: str | None = None) -> list[tuple[tuple[Any, ...], str]]:
    """Every string below ``value`` in document order (recursive); with ``root``, only those the
    model of that file kind calls prose or plain (what lint checks)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _all_strings(v, path + (k,), root)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _all_strings(v, path + (i,), root)
    elif isinstance(value, str) and (root is None or kind_at(path, root) in TEXT_KINDS):
        out.append((path, value))
    return out


@settings(PROFILE)
@given(st.dictionaries(SCHEMA_KEYS, TREE, max_size=5), st.sampled_from([(), ("sections", 0)]),
       st.sampled_from(["plan", "org"]))
def test_lint_walk_is_the_recursive_walk(data: dict[str, Any], start: tuple[Any, ...], root: str) -> None:
    expected = _all_strings(data, start, root)
    assert list(lint._strings(data, start, root=root)) == expected
    last = frozenset({"title", "text", "tasks"})
    expected = [(p, t) for p, t in expected if ([k for k in p if isinstance(k, str)] or [""])[-1] in last]
    assert list(lint._strings(data, start, last, root=root)) == expected


def test_lazy_positions_point_into_a_large_plan(tmp_path: Path) -> None:
    """A warning far down a large plan (parsed without positions) names its own line and column."""
    rows = "\n".join(f"  - task: Nhiệm vụ số {i} của phòng\n    lead: noi-vu" for i in range(3000))
    text = f"org: x\nsubject: Kế hoạch\ntasks:\n- group: Nhóm\n  tasks:\n{rows}\n  - task: 'Sai **đậm'\n"
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    src = yamlsource.load(path)
    assert src._unparsed is not None
    problems: list[Any] = []
    texts.tidy(src.data, (), src, problems)
    line = text.count("\n")
    assert [(p.line, p.column, p.path) for p in problems] == [(line, 16, "tasks[0].tasks[3000].task")]
    assert re.search(r"chưa đóng", problems[0].message)


@settings(PROFILE)
@given(TEXT, TEXT)
@example("Năm {{ year }}", "{{ x }}").via("expressions")
@example("{{ nope }}", "**a** {{ year }}").via("an unknown name, marks in a plain field")
def test_later_passes_over_collected_texts_are_full_walks(text: str, other: str) -> None:
    """The expression and plain-field passes over the texts _tidy collected do what walking the
    whole plan again does: same texts, same problems, same warnings."""
    data = {"subject": text, "intro": other, "org": {"name": text}, "variables": {"v": text},
            "sections": [{"title": other, "text": [text, other]}],
            "tasks": [{"group": text, "tasks": [{"task": other, "lead": text, "timing": text}]}],
            "appendices": [{"type": "tasks", "title": text, "columns": [other]}]}
    ctx = {"year": 2025, "x": "a*b", "appendices": ["Phụ lục"], "variables": {"v": "c"}}

    def run(collected: bool) -> tuple[Any, ...]:
        src = Source("plan.yaml", copy.deepcopy(data), text="")
        problems: list[Any] = []
        slots = texts.Slots()
        texts.tidy(src.data, (), src, problems, slots=slots)
        expressions.expand(src.data, (), src, ctx, problems, slots=slots if collected else None)
        texts.plain_fields(src.data, src, problems, slots=slots if collected else None)
        return src.data, problems, src.warnings

    assert run(True) == run(False)
