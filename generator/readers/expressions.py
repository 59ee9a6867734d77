"""The reader's expressions: ``{{ ... }}`` / ``{% ... %}`` in a plan's texts, rendered in the bounded
Jinja sandbox of :mod:`generator.core.sandbox` with the plan's own values (year, number, org, ...).

Each read has its own :class:`Expander` (its sandbox and the templates it compiled): nothing is
kept between reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from typing import Any

from ..core.errors import Problem, shorten
from ..lang.typography import MarkupError, clean, parse_inline
from ..model.content import NUMBERINGS, appendix_names
from ..model.fields import TEXT_KINDS
from ..yamlio.source import Path_, Source
from .texts import JINJA, MAX_TEXT, Slots, bad_chars, removed_chars, replay, too_long, walk

if typing.TYPE_CHECKING:
    from ..model.plan import Org


def jinja_context(data: dict[str, Any], org: Org) -> dict[str, Any]:
    """The names a plan's expressions may use: year, previous_year, next_year, number, date, org,
    appendices (their names, "Phụ lục I" ...) and the plan's own ``variables``."""
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
    style = data.get("appendix_numbering")
    names = appendix_names(appendices, style if style in NUMBERINGS else "roman", always="appendix_numbering" in data)
    return {
        "appendices": names,
        "year": year,
        "previous_year": year - 1 if isinstance(year, int) else None,
        "next_year": year + 1 if isinstance(year, int) else None,
        "number": data.get("number"),
        "date": date if isinstance(date, dt.date) else None,
        "org": org.model_dump(include={"name", "short_name", "place", "symbol"}),
        "variables": variables,
    }


@dataclasses.dataclass
class Expander:
    """The sandbox of one read, made at its first expression, and the templates it compiled (the
    same wording often recurs in a plan)."""

    env: Any = None
    compiled: dict[str, Any] = dataclasses.field(default_factory=dict)

    def template(self, text: str) -> Any:
        """The sandbox's template for ``text``."""
        template = self.compiled.get(text)
        if template is None:
            if len(self.compiled) > 2048:     # a plan of many distinct expressions: bounded memory
                self.compiled.clear()
            if self.env is None:
                from ..core.sandbox import make_env

                self.env = make_env(autoescape=False, max_output=MAX_TEXT)
            template = self.compiled[text] = self.env.from_string(text)
        return template


def expand(value: Any, path: Path_, src: Source, ctx: dict[str, Any], problems: list[Problem],
           slots: Slots | None = None) -> Any:
    """Render {{ ... }} / {% ... %} in prose and plain strings, in place, in the bounded sandbox.

    The result is cleaned and its marks checked again: an expression can make markup.
    ``slots``: the texts of ``value`` as :func:`~generator.readers.texts.tidy` collected them.
    """
    expander = Expander()

    def expand_one(text: str, where: Path_, kind: Any) -> str:
        if where[:1] == ("org",) or not any(t in text for t in JINJA):
            return text        # a profile's text (inline too) is literal: no expressions there
        from ..core.sandbox import explain

        try:
            out = expander.template(text).render(ctx)
        except Exception as exc:  # noqa: BLE001 - every Jinja failure becomes a located problem
            name = exc.message if hasattr(exc, "message") and type(exc).__name__ == "UndefinedError" else None
            problems.append(src.problem(where, f"biểu thức Jinja {{{{ }}}}: {explain(exc)}",
                                        expected=("một trong: " + ", ".join(sorted(ctx))) if name else None,
                                        found=shorten(text)))
            return text
        if len(out) > MAX_TEXT:
            problems.append(too_long(src, where, len(out), " sau khi tính biểu thức"))
            return text
        bad = bad_chars(out)
        if bad:
            src.warnings.append(removed_chars(src, where, bad, shorten(out)))
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
        replay(slots.braced, expand_one, TEXT_KINDS, needle="{")
        return value
    return walk(value, path, expand_one, kinds=TEXT_KINDS, needle="{")
