"""The organisation profile of an imported plan: reuse the matching profile in orgs/, or write one
from the header, the units named in assignments and task tables, and the signer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import PlanError, Problem
from . import walk
from .recognise import OrgInfo
from .report import ImportFailure, Report
from .units import slug, unique_key


def _norm(lines: list[str]) -> str:
    return " ".join(" ".join(lines).upper().split())


def load_profiles(orgs_dir: Path) -> dict[str, dict[str, Any]]:
    """Profiles in ``orgs_dir`` as plain data, by key (file stem); unreadable files are skipped."""
    import yaml

    out: dict[str, dict[str, Any]] = {}
    if not orgs_dir.is_dir():
        return out
    for path in sorted(orgs_dir.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and "header" in data:
            out[path.stem] = data
    return out


def update_text(path: Path, profile: dict[str, Any]) -> str:
    """The user's profile at ``path`` with what ``profile`` adds (units, signers and keys it lacks), in
    kh fmt's layout, every comment of the file kept; :class:`ImportFailure` naming file and line when a
    comment cannot be kept or the file cannot be read."""
    from ruamel.yaml.comments import CommentedMap

    from ..yamlio import roundtrip as yamlrt

    try:
        data, text = yamlrt.load(path)
        for key, value in profile.items():
            if key in ("units", "signers") and isinstance(value, dict):
                target = data.get(key)
                if not isinstance(target, CommentedMap):
                    if target is not None or key in data:
                        yamlrt.set_value(data, key, CommentedMap())
                    else:
                        yamlrt.append_entry(data, key, {})
                    target = data[key]
                for k, v in value.items():
                    if k not in target:
                        yamlrt.append_entry(target, k, v)
            elif key not in data:
                yamlrt.append_entry(data, key, value)
        return yamlrt.rewrite(data, text, str(path), kind="org")
    except yamlrt.YamlRtError as exc:
        raise ImportFailure(f"không cập nhật được hồ sơ (cannot update the profile): {exc}") from None


def relocate(exc: PlanError, scratch: Path, user: Path, rewritten: str | None) -> PlanError:
    """``exc`` (from reading a plan next to a scratch copy of the profile) with the profile's problems
    pointing at the user's profile ``user``: same line when the copy is the file itself
    (``rewritten`` None), else the line of the same key or value in the user's file (of the nearest
    key above it for what the import added)."""
    import dataclasses

    from ..yamlio.source import load, parse

    problems: list[Problem] = []
    mine = theirs = None
    for problem in exc.problems:
        if problem.file != str(scratch):
            problems.append(problem)
            continue
        line, column = problem.line, problem.column
        if rewritten is not None:
            try:
                mine = mine or parse(rewritten, str(scratch))
                theirs = theirs or load(user)
            except (PlanError, OSError):
                line = column = None
            else:
                path = _path_of(problem.path)
                on_key = (line, column) == mine.where(path, key=True)
                line, column = theirs.where(path, key=on_key)
        problems.append(dataclasses.replace(problem, file=str(user), line=line, column=column))
    return PlanError(problems)


def _path_of(text: str) -> tuple[str | int, ...]:
    """'units.vp.name' / 'header[0]' (as :func:`generator.yamlio.source.path_text` writes) → a path."""
    return tuple(int(i) if i else k for k, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", text))


def matches(info: OrgInfo, data: dict[str, Any]) -> bool:
    header = data.get("header")
    header = [header] if isinstance(header, str) else header or []
    if _norm(header) != _norm(info.header) or not info.header:
        return False
    return info.symbol is None or data.get("symbol") in (None, info.symbol)


def default_key(info: OrgInfo) -> str:
    lines = info.header[1:] or info.header
    return slug(" ".join(lines), 4) if lines else "to-chuc"


def new_profile(info: OrgInfo) -> dict[str, Any]:
    data: dict[str, Any] = {"name": info.name or " ".join(info.header).title()}
    if info.parent:
        data["parent"] = info.parent
    data["header"] = info.header or ["(TÊN CƠ QUAN)"]
    data["symbol"] = info.symbol or "UBND"
    data["place"] = info.place or "(Địa danh)"
    if info.authority:
        data["authority"] = info.authority
    if info.request_word and info.request_word != "Kính đề nghị":
        data["request_word"] = info.request_word
    data["units"] = {}
    data["signers"] = {}
    return data


def _unit_name(value: Any) -> str:
    return value["name"] if isinstance(value, dict) else str(value)


def apply(plan: dict[str, Any], info: OrgInfo, profile: dict[str, Any], *, add: bool,
          report: Report) -> bool:
    """Replace unit names and the signer in ``plan`` by the profile's keys; units or signers the
    profile lacks are added (``add``) or written as free text so the plan still builds.
    Returns True when the profile changed."""
    changed = False
    units: dict[str, Any] = profile.setdefault("units", {}) or {}
    profile["units"] = units
    by_name = {_unit_name(v): k for k, v in units.items()}
    taken = set(units)
    missing: list[str] = []

    def ref(name: str) -> Any:
        nonlocal changed
        if name in by_name:
            return by_name[name]
        if add:
            key = unique_key(slug(name), taken)
            units[key] = {"name": name, "request": True} if info.units.get(name) else name
            by_name[name] = key
            changed = True
            return key
        if name not in missing:
            missing.append(name)
        return {"text": name}

    def rejoin(names: list[str]) -> list[str]:
        """Names split at a comma that the profile knows as one unit ("Thủ trưởng ..., Khối ... và ...")."""
        out: list[str] = []
        i = 0
        while i < len(names):
            for j in range(len(names), i + 1, -1):
                if ", ".join(names[i:j]) in by_name:
                    out.append(", ".join(names[i:j]))
                    i = j
                    break
            else:
                out.append(names[i])
                i += 1
        return out

    for asg in [a for lst in walk.assignment_lists(plan) for a in lst]:
        asg["unit"] = [ref(n) for n in rejoin(asg["unit"])]
        requested = any(isinstance(u, str) and isinstance(units.get(u), dict) and units[u].get("request")
                        for u in asg["unit"])
        if asg.get("request") and requested:
            del asg["request"]
        if len(asg["unit"]) == 1:
            asg["unit"] = asg["unit"][0]
    for group in plan.get("tasks", []):
        for task in group["tasks"]:
            for key in ("lead", "support"):
                if key in task:
                    names = task[key] if isinstance(task[key], list) else [task[key]]
                    refs = [ref(n) for n in rejoin(names)]
                    task[key] = refs[0] if len(refs) == 1 else refs
    signers: dict[str, Any] = profile.setdefault("signers", {}) or {}
    profile["signers"] = signers
    for holder in [plan, plan.get("decision") or {}]:
        signer = holder.get("signer")
        if not isinstance(signer, dict):
            continue
        key = next((k for k, v in signers.items() if isinstance(v, dict) and v.get("name") == signer["name"]
                    and v.get("position") == signer["position"]), None)
        placeholder = any(str(signer.get(f, "")).startswith("(") for f in ("name", "position"))
        if key is None and add and not placeholder:     # a placeholder is never stored as a signer
            key = unique_key(slug(signer["name"].split()[-1], 1), set(signers))
            signers[key] = signer
            changed = True
        if key is not None:
            holder["signer"] = key
        else:
            report.notes.append(f"người ký '{signer['name']}' chưa có trong hồ sơ: ghi trực tiếp trong kế hoạch"
                                " (signer not in the profile: written inline; --update-org adds it)")
    if missing:
        report.notes.append("đơn vị chưa có trong hồ sơ, ghi dạng lời văn {text: ...} (units not in the profile,"
                            " written as free text; --update-org adds them): " + "; ".join(missing))
    report.recognised["đơn vị (units)"] = sorted({*by_name, *missing})
    return changed
