"""The copies in tests/fixtures of ../shared's seeds and probe plans still equal the originals."""

from __future__ import annotations

import pytest

from .conftest import REPRO, SEEDS, SHARED

pytestmark = pytest.mark.requires("shared")


@pytest.mark.parametrize(("copy", "original", "pattern"), [
    (SEEDS, SHARED / "seeds", "*.txt"),
    (SEEDS, SHARED / "seeds", "README.md"),
    (REPRO, SHARED / "probe" / "repro", "*.yaml"),
], ids=["seeds", "seeds-readme", "probe-repro"])
def test_fixture_copies_equal_shared(copy, original, pattern) -> None:
    ours = {p.name: p.read_bytes() for p in copy.glob(pattern)}
    theirs = {p.name: p.read_bytes() for p in original.glob(pattern)}
    assert theirs, f"nothing matches {pattern} in {original}"
    assert sorted(ours) == sorted(theirs), f"copy {copy} and {original} list different files"
    changed = [name for name in ours if ours[name] != theirs[name]]
    assert not changed, f"copied from {original} but changed since: {changed} (copy them again)"
