"""The ``template:`` of a plan and of its profile: made absolute, and refused when outside the
plans folder (see :mod:`generator.core.confine`)."""

from __future__ import annotations

import typing
from pathlib import Path

from ..core.errors import PlanError, Problem, shorten
from ..yamlio.source import Source

if typing.TYPE_CHECKING:
    from ..model.plan import Org, Plan


def plans_root(path: Path, org_src: Source | None) -> Path:
    """The plans folder: the plan's own, or its parent when the profile came from ../orgs."""
    from ..core.confine import is_inside

    root = path.resolve().parent
    if org_src is not None and not is_inside(Path(org_src.file), root):
        root = root.parent
    return root


def resolve_templates(plan: Plan, org: Org | None, path: Path, src: Source, org_src: Source | None) -> None:
    """Make ``template:`` paths absolute; refuse ones outside the plans folder (see generator.core.confine)."""
    from ..core.confine import ALLOW_HINT, outside_message

    root = plans_root(path, org_src)
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
