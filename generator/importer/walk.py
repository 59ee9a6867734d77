"""Walks over imported plan data (plain dicts, as the YAML will hold them): every section, written
with the shorthand keys or as ``body:`` blocks, in the body and in content appendices."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def sections(items: list[Any]) -> Iterator[dict[str, Any]]:
    """Every section (and body block mapping) under ``items``, depth first, in order."""
    pending = list(reversed(items))
    while pending:
        item = pending.pop()
        if not isinstance(item, dict):
            continue
        yield item
        pending += list(reversed(item.get("sections", []) or [])) + list(reversed(item.get("body", []) or []))


def plan_sections(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every section and block of the plan's body and of its content appendices."""
    yield from sections(plan.get("sections", []))
    for app in plan.get("appendices", []) or []:
        yield from sections(app.get("body", []) or [])


def assignment_lists(plan: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    """Each list of per-unit assignments (a section's or a body block's)."""
    for sec in plan_sections(plan):
        if isinstance(sec.get("assignments"), list):
            yield sec["assignments"]
