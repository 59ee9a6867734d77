"""Reader: a plan YAML file (plus its organisation profile) → a validated :class:`Plan`.

Steps: parse with positions → tidy every text (NFC, spaces, quotes) → expand {{ ... }}
expressions in a sandbox → resolve the profile, units and signer → validate with the model.
Every problem is collected with its file, line, column and field before anything is raised.
"""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import numbering
from ..errors import PlanError, Problem, did_you_mean, shorten
from ..typography import MarkupError, clean, parse_inline
from .yamlsource import Path_, Source, load, path_text

if typing.TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from ..model import Org, Plan

#: Where a profile named ``org: quan3`` is looked up, relative to the plan's folder.
ORG_DIRS = ("orgs", "../orgs")

# Fields holding identifiers or paths, not prose: left untouched by the text pass.
_NOT_PROSE = {"org", "template", "unit", "signer", "symbol", "lead", "numbering", "variables"}


def read_plan(path: str | Path) -> Plan:
    """Read, resolve and validate the plan at ``path``."""
    path = Path(path)
    src = load(path)
    problems: list[Problem] = []
    data = src.data
    if not isinstance(data, dict):
        raise PlanError([src.problem((), "tệp kế hoạch phải là một bảng khóa: giá trị (a plan is a mapping)",
                                     found=type(data).__name__)])
    _tidy(data, (), src, problems)
    org, org_src = _resolve_org(data, path, src, problems)
    if org is not None:
        _expand(data, (), src, _jinja_context(data, org), problems)
        _resolve_units(data, org, src, problems)
        _resolve_signer(data, org, src, problems)
        data["org"] = org
    try:
        plan = _validate(_model("Plan"), data, src)
    except PlanError as exc:
        known = {(p.line, p.column) for p in problems}
        problems.extend(p for p in exc.problems if (p.line, p.column) not in known)
    if problems:
        raise PlanError(sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0)))
    _resolve_templates(plan, org, path, src, org_src)
    return plan


def _resolve_templates(plan: Plan, org: Org | None, path: Path, src: Source, org_src: Source | None) -> None:
    """Make ``template:`` paths absolute; refuse ones outside the plans folder (see generator.confine)."""
    from ..confine import ALLOW_HINT, outside_message

    # The plans folder: the one holding the profile's orgs/ folder, else the plan's own folder.
    root = Path(org_src.file).resolve().parent.parent if org_src is not None else path.resolve().parent
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
    _tidy(src.data, (), src, problems)
    if problems:
        raise PlanError(problems)
    return _validate(_model("Org"), src.data, src)


# ------------------------------------------------------------------ text pass
def _map_prose(value: Any, path: Path_, fn: Callable[[str, Path_], str]) -> Any:
    """Apply ``fn(text, path)`` to every prose string of a plan, in place (ids and variables skipped)."""
    if isinstance(value, dict):
        for key in list(value):
            if key not in _NOT_PROSE:
                value[key] = _map_prose(value[key], path + (key,), fn)
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _map_prose(item, path + (i,), fn)
        return value
    return fn(value, path) if isinstance(value, str) else value


def _tidy(value: Any, path: Path_, src: Source, problems: list[Problem]) -> Any:
    """Clean prose in place and check its emphasis/footnote marks."""

    def tidy(raw: str, where: Path_) -> str:
        text = clean(raw)
        try:
            parse_inline(text)
        except MarkupError as exc:
            problems.append(src.problem(where, f"dấu định dạng sai: {exc}", found=shorten(raw),
                                        hint="viết \\* nếu muốn in dấu * (escape a literal * as \\*)"))
        return text

    return _map_prose(value, path, tidy)


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
    variables = data.get("variables") if isinstance(data.get("variables"), dict) else {}
    appendices = data["appendices"] if isinstance(data.get("appendices"), list) else []
    return {
        "appendices": numbering.appendix_names(appendices),
        "year": year,
        "previous_year": year - 1 if isinstance(year, int) else None,
        "next_year": year + 1 if isinstance(year, int) else None,
        "number": data.get("number"),
        "date": date,
        "org": org.model_dump(include={"name", "short_name", "place", "symbol"}),
        "variables": variables,
    }


def _expand(value: Any, path: Path_, src: Source, ctx: dict[str, Any], problems: list[Problem]) -> Any:
    """Render {{ ... }} / {% ... %} in prose strings, in place, with a sandboxed Jinja."""

    def expand(text: str, where: Path_) -> str:
        if "{{" not in text and "{%" not in text:
            return text
        import jinja2

        try:
            return clean(_sandbox().from_string(text).render(ctx))
        except jinja2.UndefinedError as exc:
            problems.append(src.problem(where, f"biểu thức dùng tên chưa định nghĩa (undefined name): {exc.message}",
                                        expected="một trong: " + ", ".join(sorted(ctx)), found=shorten(text)))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(src.problem(where, f"biểu thức Jinja sai cú pháp (syntax error): {exc.message}",
                                        found=shorten(text)))
        except Exception as exc:  # noqa: BLE001 - sandbox refusals and type errors alike
            problems.append(src.problem(where, f"biểu thức Jinja lỗi: {type(exc).__name__}: {exc}",
                                        found=shorten(text)))
        return text

    return _map_prose(value, path, expand)


_SANDBOX = None


def _sandbox() -> Any:
    global _SANDBOX
    if _SANDBOX is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        _SANDBOX = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    return _SANDBOX


# ------------------------------------------------------------------ resolution
def _resolve_org(data: dict[str, Any], plan_path: Path, src: Source,
                 problems: list[Problem]) -> tuple[Org | None, Source | None]:
    ref = data.get("org")
    if isinstance(ref, dict):
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
    from ..confine import ALLOW_HINT, outside_message

    if "\x00" in ref:
        problems.append(src.problem(("org",), "mã hồ sơ chứa ký tự NUL (NUL byte in profile code)", found=shorten(ref)))
        return None, None
    for folder in ORG_DIRS:
        cand = (plan_path.parent / folder / f"{ref}.yaml").resolve()
        if cand.is_file():
            refused = outside_message(cand, plan_path.parent / folder, f"hồ sơ tổ chức {cand}")
            if refused:
                problems.append(src.problem(("org",), refused, found=f"'{ref}'", hint=ALLOW_HINT))
                return None, None
            org_src = load(cand, _display(cand))
            try:
                _tidy(org_src.data, (), org_src, problems)
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

    def walk(sections: Any, path: Path_) -> None:
        if not isinstance(sections, list):
            return
        for i, sec in enumerate(sections):
            if not isinstance(sec, dict):
                continue
            spath = path + (i,)
            walk(sec.get("sections"), spath + ("sections",))
            assignments = sec.get("assignments")
            if not isinstance(assignments, list):
                continue
            for j, asg in enumerate(assignments):
                if isinstance(asg, dict):
                    request = resolve(asg, "unit", spath + ("assignments", j, "unit"))
                    if asg.get("request") is None:
                        asg["request"] = request

    walk(data.get("sections"), ("sections",))
    for g, group in enumerate(data.get("tasks") or []):
        if not isinstance(group, dict) or not isinstance(group.get("tasks"), list):
            continue
        for t, task in enumerate(group["tasks"]):
            if isinstance(task, dict):
                for key in ("lead", "support"):
                    resolve(task, key, ("tasks", g, "tasks", t, key))


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
    from .. import model

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


_EXPECT = {
    "string_type": "văn bản (text)",
    "int_type": "số nguyên (whole number)",
    "int_parsing": "số nguyên (whole number)",
    "int_from_float": "số nguyên (whole number)",
    "bool_type": "true hoặc false",
    "bool_parsing": "true hoặc false",
    "date_type": "ngày dạng YYYY-MM-DD, ví dụ 2025-04-29",
    "date_parsing": "ngày dạng YYYY-MM-DD, ví dụ 2025-04-29",
    "date_from_datetime_parsing": "ngày dạng YYYY-MM-DD, ví dụ 2025-04-29",
    "list_type": "danh sách, mỗi phần tử một dòng '- ...' (a list)",
    "dict_type": "bảng khóa: giá trị (a mapping)",
    "model_type": "bảng khóa: giá trị (a mapping)",
    "model_attributes_type": "bảng khóa: giá trị (a mapping)",
}


def _problems(exc: ValidationError, cls: type[BaseModel], data: Any, src: Source, prefix: Path_) -> list[Problem]:
    seen: dict[Path_, Problem] = {}
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"], data)
        kind = err["type"]
        value_here = _get(data, loc)
        if kind in ("string_type", "int_type") and isinstance(value_here, dict):
            continue  # the other branch of a "text or mapping" union says more
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
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
            prob = src.problem(path, msg, found=shorten(value_here) if not isinstance(value_here, dict) else None)
        elif kind == "literal_error":
            prob = src.problem(path, "giá trị không được phép (value not allowed)",
                               expected=err.get("ctx", {}).get("expected"), found=shorten(err.get("input")),
                               hint=did_you_mean(str(err.get("input")), _literal_choices(err)))
        else:
            prob = src.problem(path, f"kiểu giá trị sai (wrong type): {err['msg']}",
                               expected=_EXPECT.get(kind), found=shorten(err.get("input")))
        seen.setdefault(path + (kind,), prob)
    probs = list(seen.values())
    return sorted(probs, key=lambda p: (p.line or 0, p.column or 0)) or [
        src.problem(prefix, str(exc))]


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
