"""Which fields hold codes, prose or plain text is declared once, on the model's fields
(generator.model.fields), and the reader, lint and ``kh fmt`` all follow it.

For every place of the plan and profile models where a string may stand, each consumer is run on
a file holding a telling string there, and what it does is compared with the field's mark: the
reader tidies prose and plain text, keeps codes as written, refuses marks in plain text and
expands expressions in text only; lint checks text only; fmt folds any long string but a code.
Changing a mark changes what all three do. Also: the reader hands its warnings back as a value,
leaves the cycle collector and the environment alone.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

from generator.app.cli import main
from generator.core import errors
from generator.core.errors import PlanError
from generator.lint import plan_rules as lint
from generator.model import kinds
from generator.model.fields import TEXT_KINDS, Kind
from generator.model.kinds import field_kind, kind_at
from generator.model.plan import Org, Plan
from generator.readers import expressions, texts, yaml_reader
from generator.yamlio import roundtrip as yamlrt
from generator.yamlio.source import parse

from .conftest import PLANS, ROOT

MODELS = {"plan": Plan, "org": Org}
TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam"      # "Cộng hoà xã hội chủ nghĩa Việt Nam" in TCVN3
MESSY = 'x  "y" *z*'                             # double space, straight quotes, emphasis
LONG = " ".join(["Nội dung dài của một đoạn văn"] * 6)   # > fmt's WIDTH, one line, no double space


# ------------------------------------------------------------------ every place a string may stand
def _takes_str(ann: Any) -> bool:
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    origin = typing.get_origin(ann)
    if ann is str or ann is Any:
        return True
    if origin is typing.Literal:
        return all(isinstance(a, str) for a in typing.get_args(ann))
    if origin in (typing.Union, types.UnionType):
        return any(_takes_str(a) for a in typing.get_args(ann))
    return False


def _places(ann: Any, path: tuple[Any, ...], depth: int = 0) -> typing.Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, the model whose field the string belongs to) for each place below annotation ``ann``."""
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        if depth > 3:          # sections in sections in ...: the same fields again
            return
        for name, field in ann.model_fields.items():
            yield from _field_places(field.annotation, path + (name,), ann, depth + 1)
        return
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            yield from _places(arg, path, depth)


def _field_places(ann: Any, path: tuple[Any, ...], model: Any, depth: int) -> typing.Iterator[Any]:
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if _takes_str(ann):
        yield path, model
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if not _takes_str(arg):
                yield from _field_places(arg, path, model, depth)
        return
    if origin is list:
        yield from _field_places(args[0], path + (0,), model, depth)
    elif origin is dict:
        yield from _field_places(args[1], path + ("k",), model, depth)
    else:
        yield from _places(ann, path, depth)


def _field_name(path: tuple[Any, ...]) -> str:
    """The field a place belongs to: the last key of its path that is not a list index or mapping key."""
    names = [p for p in path if isinstance(p, str) and p != "k"]
    return names[-1]


PLACES = sorted({(root, path, model.__name__, _field_name(path))
                 for root, cls in MODELS.items() for path, model in _places(cls, ())
                 if not (root == "plan" and path[:1] == ("org",) and len(path) > 1)},   # the profile: as "org"
                key=repr)

def _model_named(name: str) -> type[BaseModel]:
    from generator.model import plan

    return getattr(plan, name)


def _expected(place: tuple[str, tuple[Any, ...], str, str]) -> Kind:
    _root, _path, model, name = place
    return field_kind(_model_named(model), name)


def _holding(path: tuple[Any, ...], value: str) -> Any:
    """A document holding ``value`` at ``path`` (list indices 0, mapping keys as named)."""
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def _ids(place: tuple[str, tuple[Any, ...], str, str]) -> str:
    return f"{place[0]}:{'.'.join(map(str, place[1]))}"


def test_the_places_cover_the_models() -> None:
    """The enumeration reaches every kind, and the fields the three old lists named."""
    found = {(place[0], place[3]): _expected(place) for place in PLACES}
    assert set(found.values()) == set(Kind)
    for name in ("org", "template", "unit", "signer", "lead", "support", "numbering", "type", "key", "number",
                 "kind", "about", "unit_line", "subject", "title", "group", "header", "variables"):
        assert ("plan", name) in found, name
    assert ("org", "symbol") in found and ("org", "name") in found
    assert len(PLACES) > 80


# ------------------------------------------------------------------ the model
@pytest.mark.parametrize("place", PLACES, ids=_ids)
def test_kind_at_is_the_mark_of_the_field(place: tuple[str, tuple[Any, ...], str, str]) -> None:
    root, path, _model, _name = place
    assert kind_at(path, root) is _expected(place)


def _all_models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(ann: Any) -> None:
        while typing.get_origin(ann) is typing.Annotated:
            ann = typing.get_args(ann)[0]
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if ann not in seen:
                seen.append(ann)
                for field in ann.model_fields.values():
                    visit(field.annotation)
            return
        for arg in typing.get_args(ann):
            visit(arg)

    visit(Plan)
    return seen


def test_every_fixed_choice_is_a_code() -> None:
    """A field whose text is one of fixed words (type: tasks, numbering: decimal, lead: Căn cứ) is a code."""
    def has_literal(ann: Any) -> bool:
        while typing.get_origin(ann) is typing.Annotated:
            ann = typing.get_args(ann)[0]
        return typing.get_origin(ann) is typing.Literal or any(has_literal(a) for a in typing.get_args(ann))

    choices = [(m.__name__, n) for m in _all_models() for n, f in m.model_fields.items() if has_literal(f.annotation)]
    assert len(choices) >= 6
    for model_name, name in choices:
        assert field_kind(_model_named(model_name), name) is Kind.CODE, (model_name, name)


def test_unknown_places_are_prose() -> None:
    assert kind_at(("no_such_key",)) is Kind.PROSE
    assert kind_at(("tasks", 0, "tasks", 0, "lead", "text")) is Kind.PROSE    # free wording of a unit
    assert kind_at(("sections", 3, "assignments", 1, "unit", 2, "text")) is Kind.PROSE
    assert kind_at(("variables", "a", "b", 4)) is Kind.VERBATIM
    assert kind_at(("org", "symbol")) is Kind.CODE and kind_at(("symbol",), "org") is Kind.CODE


# ------------------------------------------------------------------ the three consumers
def _source(root: str, path: tuple[Any, ...], value: str) -> Any:
    return parse(yaml.safe_dump(_holding(path, value), allow_unicode=True), f"{root}.yaml")


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def reader_sees(root: str, path: tuple[Any, ...]) -> Kind:
    """What the reader's text pass makes of MESSY at ``path``, as a kind."""
    src = _source(root, path, MESSY)
    problems: list[Any] = []
    texts.tidy(src.data, (), src, problems, root=root)        # type: ignore[arg-type]
    tidied = _value_at(src.data, path)
    texts.plain_fields(src.data, src, problems, root=root)    # type: ignore[arg-type]
    if tidied == MESSY:
        assert not problems
        return Kind.CODE if kind_at(path, root) is not Kind.VERBATIM else Kind.VERBATIM   # untouched
    assert tidied == "x “y” *z*"
    refused = [p for p in problems if "in chữ thường" in p.message]
    return Kind.PLAIN if refused else Kind.PROSE


def reader_expands(path: tuple[Any, ...]) -> bool:
    src = _source("plan", path, "năm {{ year }}")
    problems: list[Any] = []
    expressions.expand(src.data, (), src, {"year": 2025}, problems)
    assert not problems
    return _value_at(src.data, path) == "năm 2025"


def lint_checks(root: str, path: tuple[Any, ...]) -> bool:
    text = yaml.safe_dump(_holding(path, TCVN3), allow_unicode=True)
    src = parse(text, f"{root}.yaml")
    findings = lint.lint_source(src, text, root)
    return any(f.rule == "tcvn3" and f.path == path for f in findings)


def fmt_folds(root: str, path: tuple[Any, ...]) -> bool:
    text = yaml.safe_dump(_holding(path, LONG), allow_unicode=True, width=1000)
    out = yamlrt.format_text(text, root)     # type: ignore[arg-type]
    assert yaml.safe_load(out) == yaml.safe_load(text)
    return ">-" in out


@pytest.mark.parametrize("place", PLACES, ids=_ids)
def test_reader_lint_and_fmt_follow_the_mark(place: tuple[str, tuple[Any, ...], str, str]) -> None:
    root, path, _model, _name = place
    kind = _expected(place)
    seen = reader_sees(root, path)
    assert seen is (kind if kind is not Kind.VERBATIM else Kind.VERBATIM)
    assert lint_checks(root, path) == (kind in TEXT_KINDS)
    assert fmt_folds(root, path) == (kind not in (Kind.CODE, Kind.VERBATIM))
    if root == "plan":       # a profile's texts are literal: no expressions there
        assert reader_expands(path) == (kind in TEXT_KINDS)


@pytest.mark.parametrize(("model", "name", "path", "mark"), [
    (Plan, "subject", ("subject",), Kind.CODE),                     # plain → code
    (Plan, "template", ("template",), Kind.PROSE),                  # code → prose
    (_model_named("Task"), "lead", ("tasks", 0, "tasks", 0, "lead", 0), Kind.PLAIN),   # code → plain
    (_model_named("Basis"), "number", ("bases", 0, "number"), Kind.CODE),               # prose → code
])
def test_a_new_mark_changes_all_three(model: Any, name: str, path: tuple[Any, ...], mark: Kind,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The consumers have no list of their own: change the mark on the model, and all three follow."""
    before = field_kind(model, name)
    assert before is not mark
    field = model.model_fields[name]
    monkeypatch.setattr(field, "metadata", [m for m in field.metadata if not isinstance(m, Kind)] + [mark])
    kinds._kind_at.cache_clear()
    try:
        assert kind_at(path) is mark
        assert reader_sees("plan", path) is mark
        assert lint_checks("plan", path) == (mark in TEXT_KINDS)
        assert fmt_folds("plan", path) == (mark is not Kind.CODE)
        assert reader_expands(path) == (mark in TEXT_KINDS)
    finally:
        monkeypatch.undo()
        kinds._kind_at.cache_clear()
    assert kind_at(path) is before


# ------------------------------------------------------------------ what the marks decide, end to end
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "orgs").mkdir()
    (tmp_path / "orgs" / "quan3.yaml").write_bytes((PLANS / "orgs" / "quan3.yaml").read_bytes())
    return tmp_path


def _plan(folder: Path, basis: str = "", intro: str = "Nội dung.") -> Path:
    text = ("org: quan3\nnumber: 7\ndate: 2025-04-29\nsubject: Thử\n"
            f"bases:\n  - kind: Kế hoạch\n    number: 12/KH-UBND\n    issuer: Ủy ban nhân dân Quận 3\n"
            f"    subject: thử nghiệm\n{basis}"
            f"intro: {intro}\nsections:\n  - title: Mục đích\n    text: Nội dung.\n"
            "recipients: [Như trên]\nsigner: hang\n")
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_mark_in_the_about_of_a_basis_is_a_located_error(folder: Path) -> None:
    """``about`` is printed inside the basis paragraph (marks and all): prose, checked by the reader.
    As a code it went unchecked, and the render stopped on it with an internal error."""
    path = _plan(folder, basis="    about: 'về *việc'\n")
    with pytest.raises(PlanError) as exc:
        yaml_reader.read_plan(path)
    [problem] = exc.value.problems
    assert problem.line == 10 and problem.path == "bases[0].about" and "chưa đóng" in problem.message
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(folder / "out.docx")])
    assert result.exit_code == 2 and "lỗi nội bộ" not in result.output


def test_the_kind_of_a_cited_document_is_checked_for_tcvn3(folder: Path) -> None:
    path = _plan(folder)
    path.write_text(path.read_text(encoding="utf-8").replace("kind: Kế hoạch", f"kind: {TCVN3}"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "[tcvn3]" in result.output and "bases[0].kind" in result.output


# ------------------------------------------------------------------ no process-wide state
def test_reader_warnings_are_handed_back(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _plan(folder, intro='"Nội\\x01 dung."')
    said: list[errors.Problem] = []
    plan = yaml_reader.read_plan(path, said)
    assert plan.intro == ["Nội dung."]
    [warning] = said
    assert (warning.line, warning.path) == (10, "intro") and "U+0001" in warning.message
    assert capsys.readouterr().err == ""
    yaml_reader.read_plan(path)                      # no list: printed, as kh build shows them
    assert "cảnh báo (warning)" in capsys.readouterr().err
    org_said: list[errors.Problem] = []
    yaml_reader.read_org(folder / "orgs" / "quan3.yaml", org_said)
    assert org_said == [] and capsys.readouterr().err == ""


def test_kh_check_counts_the_reader_warnings(folder: Path) -> None:
    path = _plan(folder, intro='"Nội\\x01 dung."')
    result = CliRunner().invoke(main, ["check", "--strict", str(path)])
    assert result.exit_code == 1, result.output
    assert "U+0001" in result.output and "1 cảnh báo" in result.output


def test_the_cycle_collector_stays_on_while_a_plan_is_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    states: list[bool] = []
    real = yaml_reader.resolve_units

    def spy(*args: Any, **kwargs: Any) -> None:
        states.append(gc.isenabled())
        real(*args, **kwargs)

    monkeypatch.setattr(yaml_reader, "resolve_units", spy)
    assert gc.isenabled()
    yaml_reader.read_plan(_plan(folder))
    assert states == [True]


def test_importing_the_model_and_reader_leaves_the_environment_alone() -> None:
    code = ("import os; before = dict(os.environ); import generator.model.plan, generator.readers.yaml_reader;"
            " assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
