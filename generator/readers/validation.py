"""Validation by the plan model, each pydantic error turned into a located Vietnamese problem
(file:line:column, the field, what was expected with an example, what was found, a hint)."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

from ..core.errors import PlanError, Problem, did_you_mean, shorten
from ..yamlio.source import Path_, Source

if typing.TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


def model_class(name: str) -> type[BaseModel]:
    """The model class ``name`` ("Plan", "Org") of :mod:`generator.model.plan`, imported when first needed."""
    from ..model import plan as models

    return getattr(models, name)


def validate(cls: type[BaseModel], data: Any, src: Source, prefix: Path_ = ()) -> Any:
    """``cls`` validated from ``data``; a :class:`PlanError` with located problems when it does not validate.

    ``prefix``: where ``data`` sits in ``src`` (an inline profile is at ``("org",)``).
    """
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
    if not loc:     # the mapping itself: a model of the union before a list of them ("row | group row")
        args = tuple(sorted(args, key=lambda a: not _is_model(a)))
    for arg in args:  # a union such as "str | Signer"
        found = _model_at(arg, loc)
        if found is not None:
            return found
    return None


def _is_model(ann: Any) -> bool:
    from pydantic import BaseModel

    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(cls, loc)
    return list(model.model_fields) if model is not None else []


def _describe(cls: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    model = _model_at(cls, loc[:-1])
    if model is None:
        return None
    field = model.model_fields.get(str(loc[-1]))
    return field.description if field is not None else None
