"""Problems found in a user's files, each pointing at file:line:column and a field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a user's file, located and explained."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None

    def format(self) -> str:
        """``file:line:col: path: message`` then expected/found/hint lines."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        lines = [head]
        if self.expected is not None:
            lines.append(f"    cần (expected): {self.expected}")
        if self.found is not None:
            lines.append(f"    gặp (found):    {self.found}")
        if self.hint:
            lines.append(f"    gợi ý (hint):   {self.hint}")
        return "\n".join(lines)


class KhError(Exception):
    """An error the CLI reports to the user and exits with a non-zero status."""

    exit_code = 1


class PlanError(KhError):
    """A plan or profile that cannot be read: one or more located problems (exit 2)."""

    exit_code = 2

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(self.format())

    def format(self) -> str:
        n = len(self.problems)
        body = "\n".join(p.format() for p in self.problems)
        return f"{body}\n{n} lỗi (problem{'s' if n != 1 else ''})."


class TemplateError(KhError):
    """A broken .docx template: names the template file and the offending tag."""

    exit_code = 3


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """"có phải ý bạn là 'text'? (did you mean 'text'?)" for the closest choice, if any."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    if not close:
        return None
    best = lowered[close[0]]
    return f"có phải ý bạn là '{best}'? (did you mean '{best}'?)"


def shorten(value: object, limit: int = 60) -> str:
    """A short printable form of a value the user wrote."""
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= limit else text[: limit - 1] + "…'"
