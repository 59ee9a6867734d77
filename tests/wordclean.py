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
import sys
import tempfile
from pathlib import Path

from .conftest import SHARED, have

OOXML = SHARED / "ooxml"
OOXMLCHECK = OOXML / "ooxmlcheck.py"
PKGCHECK = OOXML / "pkgcheck.py"


def _json_report(script: Path, paths: list[Path]) -> list[dict]:
    """Run one of the shared checkers with ``--json`` and return its report."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        proc = subprocess.run([sys.executable, str(script), "--json", str(out), *map(str, paths)],
                              capture_output=True, text=True, timeout=300)
        if not out.exists():
            raise AssertionError(f"{script.name} failed to run:\n{proc.stdout}\n{proc.stderr}")
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
#: then reports errors of earlier files against later ones (seen: footnote ids "not found").
_AUDIT = """
import json, sys
from openxml_audit import FileFormat, OpenXmlValidator
out = []
for path in sys.argv[1:]:
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0).validate(path)
    out.append({"file": path, "valid": result.is_valid, "errors": [
        {"severity": str(getattr(e.severity, "value", e.severity)), "part_uri": e.part_uri, "path": e.path,
         "description": e.description} for e in result.errors]})
print(json.dumps(out))
"""


def audit_errors(paths: list[Path]) -> list[str]:
    """Errors from openxml-audit (Office 2019 rules, every error), each file on its own validator.

    Its validation is pure Python (~0.6 s a document), so several files are shared out among one
    process per core."""
    n = max(1, min(len(paths), os.cpu_count() or 1))
    procs = [subprocess.Popen([sys.executable, "-c", _AUDIT, *map(str, paths[i::n])], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(n)]
    report = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        try:
            report += json.loads(stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"openxml-audit failed to run (pip install openxml-audit):\n{stdout}\n"
                                 f"{stderr}") from None
    found = []
    for result in report:
        for err in result["errors"]:
            if err["severity"] == "error":
                found.append(f"openxml-audit {Path(result['file']).name} {err['part_uri']} "
                             f"{err['path']}: {err['description']}")
        if not result["valid"] and not result["errors"]:
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
