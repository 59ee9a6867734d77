"""Which kind of text (:mod:`generator.model.fields`) is where in a plan or profile file, read
from the marks on the model's fields: the one answer the reader, lint and ``kh fmt`` use."""

from __future__ import annotations

import functools
import types
import typing
from typing import TYPE_CHECKING, Any, Literal

from .fields import Kind

if TYPE_CHECKING:
    from pydantic import BaseModel

#: The kind of file: a plan (model :class:`~generator.model.plan.Plan`) or a profile (``Org``).
Root = Literal["plan", "org"]


def _root_model(root: Root) -> type[BaseModel]:
    from .plan import Org, Plan

    return Plan if root == "plan" else Org


def field_kind(model: Any, name: str) -> Kind:
    """The kind of field ``name`` of pydantic ``model``; prose when the model has no such field."""
    fields = getattr(model, "model_fields", None) or {}
    field = fields.get(name)
    if field is None:
        return Kind.PROSE
    return next((m for m in field.metadata if isinstance(m, Kind)), Kind.PROSE)


def kind_at(path: tuple[Any, ...], root: Root = "plan") -> Kind:
    """The kind of the string at ``path`` (keys and list indices) of a plan or profile file.

    It is the kind of the nearest field above the string: list items and mapping values of a field
    (``lead: [a, b]``, ``units: {noi-vu: ...}``) are of that field's kind.
    """
    return _kind_at(root, tuple(0 if isinstance(p, int) and not isinstance(p, bool) else p for p in path))


@functools.lru_cache(maxsize=4096)
def _kind_at(root: Root, path: tuple[Any, ...]) -> Kind:
    ann: Any = _root_model(root)
    kind = Kind.PROSE
    for part in path:
        step = _step(ann, part)
        if step is None:
            return Kind.PROSE          # beyond what the model describes
        ann, field_kind_here = step
        if field_kind_here is not None:
            kind = field_kind_here
    return kind


def _step(ann: Any, part: Any) -> tuple[Any, Kind | None] | None:
    """Annotation of ``part`` below annotation ``ann``, and the kind of the field entered (None: a
    list item or mapping value, of the same field); None when the model does not describe it."""
    from pydantic import BaseModel

    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    if ann is Any:
        return Any, None
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        if not isinstance(part, str) or part not in ann.model_fields:
            return None
        field = ann.model_fields[part]
        return field.annotation, field_kind(ann, part)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is list:
        if isinstance(part, int):
            return args[0], None
        return _step(args[0], part)      # one item written where a list is accepted
    if origin is dict:
        return args[1], None
    if origin is typing.Union or origin is types.UnionType:
        for arg in args:
            found = _step(arg, part)
            if found is not None:
                return found
    return None
