"""Is a .docx one that Word opens without a repair prompt? Three independent checkers say so.

``assert_word_clean(path)`` (or several paths at once, faster) runs
``../shared/ooxml/ooxmlcheck.py`` (ISO 29500 Transitional schemas: 0 errors),
``../shared/ooxml/pkgcheck.py`` (no ERROR or WARN) and ``openxml-audit`` (Open XML SDK port:
0 errors) and fails with every finding listed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OOXML = Path(__file__).resolve().parent.parent.parent / "shared" / "ooxml"
OOXMLCHECK = OOXML / "ooxmlcheck.py"
PKGCHECK = OOXML / "pkgcheck.py"


def _audit_exe() -> str:
    exe = Path(sys.executable).with_name("openxml-audit")
    if exe.exists():
        return str(exe)
    found = shutil.which("openxml-audit")
    if not found:
        raise AssertionError("openxml-audit is not installed (pip install openxml-audit)")
    return found


def ooxmlcheck_errors(paths: list[Path]) -> list[str]:
    """Schema errors from ooxmlcheck.py, as ``file part path: message`` lines."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o.json"
        proc = subprocess.run([sys.executable, str(OOXMLCHECK), "--json", str(out), *map(str, paths)],
                              capture_output=True, text=True, timeout=300)
        if not out.exists():
            raise AssertionError(f"ooxmlcheck.py failed to run:\n{proc.stdout}\n{proc.stderr}")
        report = json.loads(out.read_text(encoding="utf-8"))
    found = []
    for result in report:
        for part, info in result.get("parts", {}).items():
            for err in info.get("errors", []):
                found.append(f"ooxmlcheck {Path(result['file']).name} {part} {err.get('path')}: {err.get('msg')}")
        if result.get("error"):
            found.append(f"ooxmlcheck {Path(result['file']).name}: {result['error']}")
    return found


def pkgcheck_findings(paths: list[Path]) -> list[str]:
    """ERROR and WARN findings from pkgcheck.py."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.json"
        proc = subprocess.run([sys.executable, str(PKGCHECK), "--json", str(out), *map(str, paths)],
                              capture_output=True, text=True, timeout=300)
        if not out.exists():
            raise AssertionError(f"pkgcheck.py failed to run:\n{proc.stdout}\n{proc.stderr}")
        report = json.loads(out.read_text(encoding="utf-8"))
    return [f"pkgcheck {p.name} {f['severity']} {f['part']} {f['path']}: {f['msg']}"
            for p, result in zip(paths, report, strict=True)
            for f in result["findings"] if f["severity"] in ("ERROR", "WARN")]


def audit_errors(paths: list[Path]) -> list[str]:
    """Errors from openxml-audit (all of them: -m 0)."""
    proc = subprocess.run([_audit_exe(), "-m", "0", "-o", "json", *map(str, paths)] if len(paths) == 1 else
                          [_audit_exe(), "-m", "0", "-o", "json", "-r", _common_dir(paths)],
                          capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"openxml-audit failed to run:\n{proc.stdout}\n{proc.stderr}") from None
    wanted = {p.resolve() for p in paths}
    found = []
    for result in report if isinstance(report, list) else [report]:
        if len(paths) > 1 and Path(result["file"]).resolve() not in wanted:
            continue
        for err in result.get("errors", []):
            if err.get("severity", "error") == "error":
                found.append(f"openxml-audit {Path(result['file']).name} {err.get('part_uri')} "
                             f"{err.get('path')}: {err.get('description')}")
        if not result.get("valid", True) and not result.get("errors"):
            found.append(f"openxml-audit {Path(result['file']).name}: not valid ({result})")
    return found


def _common_dir(paths: list[Path]) -> str:
    parents = {p.resolve().parent for p in paths}
    if len(parents) != 1:
        raise ValueError("several files: put them in one folder")
    return str(parents.pop())


def word_clean_problems(*paths: Path) -> list[str]:
    """Every finding of the three checkers on ``paths`` (empty list = Word-clean)."""
    files = [Path(p) for p in paths]
    return ooxmlcheck_errors(files) + pkgcheck_findings(files) + _audit_each(files)


def _audit_each(files: list[Path]) -> list[str]:
    if len(files) == 1 or len({p.resolve().parent for p in files}) != 1:
        return [e for f in files for e in audit_errors([f])]
    return audit_errors(files)


def assert_word_clean(*paths: Path) -> None:
    """Fail with every finding unless each .docx passes ooxmlcheck, pkgcheck and openxml-audit."""
    problems = word_clean_problems(*paths)
    assert not problems, "not Word-clean:\n" + "\n".join(problems)
