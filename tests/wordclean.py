"""Is a .docx one that Word opens without a repair prompt? Independent checkers say so.

``assert_word_clean(path)`` (or several paths at once, faster) runs ``openxml-audit`` (Open XML SDK
port, installed with kh's test extra: 0 errors; its Python API, one fresh validator per file) and,
where ../shared is present (always in CI), ``../shared/ooxml/ooxmlcheck.py`` (ISO 29500 Transitional
schemas: 0 errors) and ``../shared/ooxml/pkgcheck.py`` (no ERROR or WARN); it fails with every
finding listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from .conftest import SHARED, have, run_script, spawn_worker, worker_log

OOXML = SHARED / "ooxml"
OOXMLCHECK = OOXML / "ooxmlcheck.py"
PKGCHECK = OOXML / "pkgcheck.py"


def _json_report(script: Path, paths: list[Path]) -> list[dict]:
    """Run one of the shared checkers with ``--json`` and return its report."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        run = run_script(script, ["--json", str(out), *(os.path.abspath(p) for p in paths)])
        if not out.exists():
            raise AssertionError(f"{script.name} failed to run (status {run.status}):\n{run.stdout}")
        return json.loads(out.read_text(encoding="utf-8"))


def ooxmlcheck_errors(paths: list[Path]) -> list[str]:
    """Schema errors from ooxmlcheck.py, as ``file part path: message`` lines."""
    report = _json_report(OOXMLCHECK, paths)
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
    report = _json_report(PKGCHECK, paths)
    return [f"pkgcheck {p.name} {f['severity']} {f['part']} {f['path']}: {f['msg']}"
            for p, result in zip(paths, report, strict=True)
            for f in result["findings"] if f["severity"] in ("ERROR", "WARN")]


#: One fresh validator per file: the openxml-audit CLI reuses one validator for a folder (-r) and
#: then reports errors of earlier files against later ones (seen: footnote ids "not found"). A worker
#: reads one path a line and answers one JSON line; it stays up for the whole test run, so its
#: imports and openxml-audit's schema tables are loaded once (~0.4 s saved on every call).
_AUDIT = """
import json, sys
from openxml_audit import FileFormat, OpenXmlValidator
for line in sys.stdin:
    path = line.rstrip("\\n")
    try:
        result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0).validate(path)
        out = {"file": path, "valid": result.is_valid, "errors": [
            {"severity": str(getattr(e.severity, "value", e.severity)), "part_uri": e.part_uri, "path": e.path,
             "description": e.description} for e in result.errors]}
    except Exception as exc:
        out = {"file": path, "valid": False, "errors": [], "crash": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(out), flush=True)
"""
_workers: list[subprocess.Popen[str]] = []


def _audit_workers() -> list[subprocess.Popen[str]]:
    """One openxml-audit worker per core (its validation is pure Python, ~0.6 s a document)."""
    if not _workers or any(w.poll() is not None for w in _workers):
        for worker in _workers:
            worker.kill()
        _workers[:] = [spawn_worker(_AUDIT) for _ in range(os.cpu_count() or 1)]
    return _workers


def audit_errors(paths: list[Path]) -> list[str]:
    """Errors from openxml-audit (Office 2019 rules, every error), each file on its own validator;
    the files are shared out among the workers, which check them at the same time."""
    workers = _audit_workers()
    share = [[os.path.abspath(p) for p in paths[i::len(workers)]] for i in range(len(workers))]
    for worker, mine in zip(workers, share, strict=True):
        if mine:
            worker.stdin.write("".join(f"{p}\n" for p in mine))   # type: ignore[union-attr]
            worker.stdin.flush()                                   # type: ignore[union-attr]
    report = []
    for worker, mine in zip(workers, share, strict=True):
        for path in mine:
            line = worker.stdout.readline()                        # type: ignore[union-attr]
            if not line:
                raise AssertionError(f"openxml-audit failed to run (pip install openxml-audit) on {path}:\n"
                                     f"{worker_log(worker)}")
            report.append(json.loads(line))
    found = []
    for result in report:
        for err in result["errors"]:
            if err["severity"] == "error":
                found.append(f"openxml-audit {Path(result['file']).name} {err['part_uri']} "
                             f"{err['path']}: {err['description']}")
        if result.get("crash"):
            found.append(f"openxml-audit {Path(result['file']).name}: failed: {result['crash']}")
        elif not result["valid"] and not result["errors"]:
            found.append(f"openxml-audit {Path(result['file']).name}: not valid")
    return found


def word_clean_problems(*paths: Path) -> list[str]:
    """Every finding of the checkers on ``paths`` (empty list = Word-clean): openxml-audit, and the two
    of ../shared as a second opinion where it is present (a failure in CI when it is not)."""
    from concurrent.futures import ThreadPoolExecutor

    files = [Path(p) for p in paths]
    checks = [ooxmlcheck_errors, pkgcheck_findings, audit_errors] if have("shared") else [audit_errors]
    with ThreadPoolExecutor(len(checks)) as pool:      # independent subprocesses
        runs = [pool.submit(check, files) for check in checks]
        return [finding for run in runs for finding in run.result()]


def assert_word_clean(*paths: Path) -> None:
    """Fail with every finding unless each .docx passes openxml-audit (and ../shared's ooxmlcheck, pkgcheck)."""
    problems = word_clean_problems(*paths)
    assert not problems, "not Word-clean:\n" + "\n".join(problems)
