"""References resolved against the organisation profile: unit keys (assignments, task lead and
support) become the profile's unit names, a signer key becomes the signer."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Callable
from typing import Any

from ..core.errors import Problem, did_you_mean, shorten
from ..yamlio.source import Path_, Source

if typing.TYPE_CHECKING:
    from ..model.plan import Org


def resolve_units(data: dict[str, Any], org: Org, src: Source, problems: list[Problem]) -> None:
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

    _resolve_assignments(data.get("sections"), ("sections",), resolve)
    _resolve_assignments(data.get("articles"), ("articles",), resolve)     # a decision's articles' blocks
    appendices = data.get("appendices")
    for a, app in enumerate(appendices if isinstance(appendices, list) else []):
        if isinstance(app, dict):
            _resolve_assignments(app.get("body"), ("appendices", a, "body"), resolve)
    groups = data.get("tasks")
    for g, group in enumerate(groups if isinstance(groups, list) else []):
        if not isinstance(group, dict) or not isinstance(group.get("tasks"), list):
            continue
        for t, task in enumerate(group["tasks"]):
            if isinstance(task, dict):
                for key in ("lead", "support"):
                    resolve(task, key, ("tasks", g, "tasks", t, key))


def _resolve_assignments(sections: Any, path: Path_, resolve: Callable[[dict[str, Any], str, Path_], bool]) -> None:
    """Resolve the units of every section's (and body block's) assignments, sub-sections first.

    An explicit stack, not a closure calling itself: such a closure is a reference cycle that
    would keep the whole parsed file alive until the cycle collector runs, and a stack has no
    recursion limit.
    """
    pending: list[tuple[Any, Path_]] = [(sections, path)]
    found: list[tuple[dict[str, Any], Path_]] = []
    while pending:
        items, where = pending.pop()
        if not isinstance(items, list):
            continue
        for i, sec in enumerate(items):
            if not isinstance(sec, dict):
                continue
            spath = where + (i,)
            found.append((sec, spath))
            pending.append((sec.get("sections"), spath + ("sections",)))
            pending.append((sec.get("body"), spath + ("body",)))
    for sec, spath in found:
        assignments = sec.get("assignments")
        if not isinstance(assignments, list):
            continue
        for j, asg in enumerate(assignments):
            if isinstance(asg, dict):
                request = resolve(asg, "unit", spath + ("assignments", j, "unit"))
                if asg.get("request") is None:
                    asg["request"] = request


def resolve_signer(data: dict[str, Any], org: Org, src: Source, problems: list[Problem],
                    path: Path_ = ()) -> None:
    """Replace the plan's (and its decision's) ``signer: key`` by that signer of the profile."""
    ref = data.get("signer")
    if isinstance(data.get("decision"), dict):
        resolve_signer(data["decision"], org, src, problems, path + ("decision",))
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
