"""``kh check FILE.docx``: the presentation of Word documents judged against Nghị định 30/2020.

``kh check`` hands its arguments here when they name Word documents (``.docx``; ``.doc``, ``.odt``,
``.rtf`` through LibreOffice) or folders of them. Each file is read with the hardened reader, its
kind recognised (Kế hoạch, Quyết định, Tờ trình, Báo cáo, Thông báo, Công văn, Chỉ thị …) and
judged by that kind's rules (:mod:`generator.nd30.rules`). Exit status: 0 no finding, 1 findings,
2 a file could not be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ...nd30.findings import Finding, Report

#: Read as they are (zip packages of WordprocessingML).
DIRECT = (".docx", ".docm", ".dotx", ".dotm")
#: Converted to .docx by LibreOffice first.
CONVERTED = (".doc", ".odt", ".rtf", ".dot", ".wpd")
WORD_SUFFIXES = DIRECT + CONVERTED
#: Findings printed per rule in the text report (all of them are in --format json).
SHOWN_PER_RULE = 8


def is_word(path: Path) -> bool:
    return path.suffix.lower() in WORD_SUFFIXES


def wants_docx(paths: tuple[Path, ...]) -> bool:
    """True when ``kh check`` was given Word documents (or folders holding some and no plans)."""
    for p in paths:
        if p.is_dir():
            if _word_files(p) and not [*p.glob("*.yaml"), *p.glob("*.yml")]:
                return True
        elif is_word(p):
            return True
    return False


def _word_files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.iterdir() if f.is_file() and is_word(f) and not f.name.startswith("~$"))


def documents(paths: tuple[Path, ...]) -> list[Path]:
    """The Word files named: a folder stands for the Word documents directly inside it."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = _word_files(p)
            if not found:
                raise click.UsageError(f"thư mục '{p}' không có tệp Word nào (no Word documents in folder)")
            out += found
        else:
            out.append(p)
    return out


def check_one(path: Path) -> Report:
    """Read, convert if needed, and judge one file; raises KhError when it cannot be read."""
    from ...core.errors import KhError
    from ...nd30.check import check_path

    suffix = path.suffix.lower()
    if suffix in CONVERTED:
        from ...importer.convert import ConvertError, to_docx

        try:
            data = to_docx(path)
        except ConvertError as exc:
            raise _Unreadable(str(exc)) from None
        return check_path(path, data=data, label=str(path))
    if suffix not in DIRECT:
        raise KhError(f"{path}: không phải tệp Word (.docx, .doc, .odt, .rtf) (not a Word document)")
    return check_path(path)


class _Unreadable(Exception):
    exit_code = 2


def run(paths: tuple[Path, ...], fmt: str = "text", quiet: bool = False) -> int:
    """Check every file; print the reports; return the exit status (0, 1 or 2)."""
    from ...core.errors import KhError

    files = documents(paths)
    reports: list[tuple[Path, Report]] = []
    failures: list[tuple[Path, str]] = []
    for path in files:
        try:
            reports.append((path, check_one(path)))
        except (KhError, _Unreadable) as exc:
            failures.append((path, str(exc)))
            if fmt == "text":
                click.secho(str(exc), fg="red", err=True)
    if fmt == "json":
        out = {"files": [r.to_dict() for _, r in reports],
               "unreadable": [{"path": str(p), "error": e} for p, e in failures],
               "summary": _summary(reports, failures)}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for path, report in reports:
            _print_report(path, report, quiet)
        if len(files) > 1:
            _print_table(reports, failures)
    if failures:
        return 2
    return 1 if any(r.findings for _, r in reports) else 0


def _summary(reports: list[tuple[Path, Report]], failures: list[tuple[Path, str]]) -> dict[str, int]:
    return {"files": len(reports) + len(failures), "clean": sum(not r.findings for _, r in reports),
            "with_findings": sum(bool(r.findings) for _, r in reports), "unreadable": len(failures)}


def _print_report(path: Path, report: Report, quiet: bool) -> None:
    from ...nd30.rules import BY_ID

    pages = f", {report.pages} trang" if report.pages else ""
    head = f"{path}: {report.kind_name}{pages}, {report.rules_checked} quy tắc (rules)"
    if not report.findings:
        if not quiet:
            click.echo(f"{head} — đạt, không có lỗi thể thức (clean)")
        return
    click.echo(f"{head} — {report.errors} lỗi, {report.warnings} cảnh báo "
               f"({report.errors} errors, {report.warnings} warnings)")
    by_rule: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    for rule_id, found in by_rule.items():
        rule = BY_ID[rule_id]
        grade = "lỗi (error)" if rule.severity == "error" else "cảnh báo (warning)"
        color = "red" if rule.severity == "error" else "yellow"
        click.secho(f"  {rule_id} [{grade}] {rule.part} — {rule.place}", fg=color)
        for f in found[:SHOWN_PER_RULE]:
            doc = f"văn bản (document) {f.document + 1}, " if f.document else ""
            fix = " [sửa được, giữ nguyên chữ (fixable)]" if f.fixable else ""
            click.echo(f"    {doc}{f.where}: {f.message}{fix}")
        if len(found) > SHOWN_PER_RULE:
            more = len(found) - SHOWN_PER_RULE
            click.echo(f"    … và {more} chỗ khác (and {more} more)")
        click.echo(f"    cần (decree): {rule.requirement}")


def _print_table(reports: list[tuple[Path, Report]], failures: list[tuple[Path, str]]) -> None:
    rows = [("tệp (file)", "loại (kind)", "trang", "lỗi", "cảnh báo", "quy tắc sai (rules broken)")]
    for path, r in reports:
        rows.append((path.name, r.kind or "?", str(r.pages or "?"), str(r.errors), str(r.warnings),
                     ", ".join(r.failed_rules()) or "—"))
    for path, _ in failures:
        rows.append((path.name, "-", "-", "-", "-", "không đọc được (unreadable)"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    click.echo("")
    for row in rows:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])
    s = _summary(reports, failures)
    click.echo(f"{s['files']} tệp: {s['clean']} đạt, {s['with_findings']} có lỗi thể thức, "
               f"{s['unreadable']} không đọc được ({s['files']} files: {s['clean']} clean, "
               f"{s['with_findings']} with findings, {s['unreadable']} unreadable)")
