"""The organisation profile of a plan: written inline (``org: {...}``) or named (``org: quan3``) and
looked up in the folders of :data:`ORG_DIRS`, then tidied, checked and validated."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from ..core.errors import PlanError, Problem, did_you_mean, shorten
from ..lang.typography import XML_BAD
from ..yamlio.source import Source, load
from .texts import plain_fields, tidy
from .validation import model_class, validate

if typing.TYPE_CHECKING:
    from ..model.plan import Org

#: Where a profile named ``org: quan3`` is looked up, relative to the plan's folder.
ORG_DIRS = ("orgs", "../orgs")


def read_org_source(src: Source, problems: list[Problem]) -> Org | None:
    """The profile loaded in ``src``, tidied, checked and validated; None (its problems added to
    ``problems``) when it is wrong. Warnings go to ``src.warnings``."""
    before = len(problems)
    tidy(src.data, (), src, problems, root="org")
    plain_fields(src.data, src, problems, root="org")
    if len(problems) > before:
        return None
    try:
        return validate(model_class("Org"), src.data, src)
    except PlanError as exc:
        problems.extend(exc.problems)
        return None


def resolve_org(data: dict[str, Any], plan_path: Path, src: Source, problems: list[Problem],
                warnings: list[Problem]) -> tuple[Org | None, Source | None]:
    """The plan's profile, and the file it came from (None when written inline).

    (None, None) when it cannot be had: the reasons are added to ``problems``; the warnings of a
    profile file are added to ``warnings``.
    """
    ref = data.get("org")
    if isinstance(ref, dict):
        before = len(problems)
        plain_fields(ref, src, problems, root="org", prefix=("org",))
        if len(problems) > before:
            return None, None
        try:
            return validate(model_class("Org"), ref, src, prefix=("org",)), None
        except PlanError as exc:
            problems.extend(exc.problems)
            return None, None
    if not isinstance(ref, str):
        problems.append(src.problem(("org",), "thiếu hồ sơ tổ chức 'org' (missing organisation profile)",
                                    expected="mã hồ sơ, ví dụ 'quan3' (tệp orgs/quan3.yaml)",
                                    found=shorten(ref) if ref is not None else "không có (nothing)"))
        return None, None
    from ..core.confine import ALLOW_HINT, outside_message

    if XML_BAD.search(ref):   # NUL or another control character: reported by the text pass
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
            org = read_org_source(org_src, problems)
            warnings.extend(org_src.warnings)
            return (org, org_src) if org is not None else (None, None)
    known = sorted({p.stem for d in ORG_DIRS for p in (plan_path.parent / d).glob("*.yaml")})
    problems.append(src.problem(("org",), f"không tìm thấy hồ sơ tổ chức '{ref}' (profile not found)",
                                expected="một trong: " + (", ".join(known) or "(chưa có hồ sơ nào trong orgs/)"),
                                found=f"'{ref}'", hint=did_you_mean(ref, known)))
    return None, None


def _display(path: Path) -> str:
    """``path`` as messages show it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
