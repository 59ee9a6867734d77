"""Reader: a plan YAML file (plus its organisation profile) → a validated :class:`Plan`.

Steps: parse with positions (:mod:`generator.yamlio.source`) → tidy every text
(:mod:`.texts`) → find the profile (:mod:`.profile`) → expand {{ ... }} expressions in a
sandbox (:mod:`.expressions`) → resolve units and signer (:mod:`.references`) → validate with
the model (:mod:`.validation`) → make template paths absolute (:mod:`.templates`) → read the rows of
tables kept in CSV/.xlsx files (:mod:`.table_sources`).
Every problem is collected with its file, line, column and field before anything is raised.

Warnings (e.g. characters XML cannot hold, removed) are handed back in the caller's list; a
caller that gives none has them printed on stderr.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from ..core.errors import PlanError, Problem
from ..lint import plan_rules as lint
from ..model.content import iter_tables
from ..yamlio.source import load, path_text
from .expressions import expand, jinja_context
from .profile import ORG_DIRS, read_org_source, resolve_org
from .references import resolve_signer, resolve_units
from .templates import plans_root, resolve_templates
from .texts import MAX_TEXT, Slots, plain_fields, tidy
from .validation import PYDANTIC_ENGLISH, model_class, validate

if typing.TYPE_CHECKING:
    from ..model.plan import Org, Plan


def read_plan(path: str | Path, warnings: list[Problem] | None = None) -> Plan:
    """Read, resolve and validate the plan at ``path``; a :class:`PlanError` lists every problem.

    ``warnings``: the list the read's warnings are added to (also when it fails); None: they are
    printed on stderr.
    """
    found: list[Problem] = []
    try:
        return _read_plan(Path(path), found)
    finally:
        _hand_back(found, warnings)


def read_org(path: str | Path, warnings: list[Problem] | None = None) -> Org:
    """Read and validate an organisation profile (``warnings``: as for :func:`read_plan`)."""
    src = load(Path(path))
    problems: list[Problem] = []
    try:
        org = read_org_source(src, problems)
    finally:
        _hand_back(src.warnings, warnings)
    if org is None:
        raise PlanError(problems)
    return org


def _read_plan(path: Path, warnings: list[Problem]) -> Plan:
    src = load(path)
    problems: list[Problem] = []
    data = src.data
    if not isinstance(data, dict):
        raise PlanError([src.problem((), "tệp kế hoạch phải là một bảng khóa: giá trị (a plan is a mapping)",
                                     found=type(data).__name__)])
    # What `kh check` calls an error (text kh adds typed by hand: the document would print it twice)
    # stops the build too, so check and build always agree.
    problems.extend(f.problem(src.file) for f in lint.error_findings(src))
    slots = Slots()     # the texts the passes below look at, found once by tidy
    tidy(data, (), src, problems, slots=slots)
    org, org_src = resolve_org(data, path, src, problems, warnings)
    if org is not None:
        if not problems:   # expressions never run once the plan is known to be wrong
            expand(data, (), src, jinja_context(data, org), problems, slots=slots)
        plain_fields(data, src, problems, slots=slots)
        resolve_units(data, org, src, problems)
        resolve_signer(data, org, src, problems)
        data["org"] = org
    else:
        plain_fields(data, src, problems, slots=slots)
    warnings.extend(src.warnings)
    try:
        plan = validate(model_class("Plan"), data, src)
    except PlanError as exc:
        known = {(p.line, p.column) for p in problems}
        problems.extend(p for p in exc.problems if (p.line, p.column) not in known)
    if problems:
        unique = {(p.file, p.line, p.column, p.path, p.message): p for p in problems}
        raise PlanError(sorted(unique.values(), key=lambda p: (p.file, p.line or 0, p.column or 0)))
    resolve_templates(plan, org, path, src, org_src)
    if any(table.source is not None for _, table in iter_tables(plan)):
        from .table_sources import resolve_sources

        resolve_sources(plan, plans_root(path, org_src), path.parent, src, warnings)
    return plan


def _hand_back(found: list[Problem], warnings: list[Problem] | None) -> None:
    """Add ``found`` to the caller's ``warnings``, or print them on stderr when there is no list."""
    if warnings is not None:
        warnings.extend(found)
        return
    for problem in found:
        try:
            print(f"cảnh báo (warning): {problem.format()}", file=sys.stderr)
        except (OSError, ValueError):  # stderr closed: a warning must never stop a build
            pass


__all__ = ["MAX_TEXT", "ORG_DIRS", "PYDANTIC_ENGLISH", "path_text", "read_org", "read_plan"]
