"""``kh check FILE.docx``: the presentation of Word documents judged against Nghị định 30/2020.

``kh check`` hands its arguments here when they name Word documents (``.docx``; ``.doc``, ``.odt``,
``.rtf`` through LibreOffice) or folders of them. Each file is read with the hardened reader, its
kind recognised (Kế hoạch, Quyết định, Tờ trình, Báo cáo, Thông báo, Công văn, Chỉ thị …) and
judged by that kind's rules (:mod:`generator.nd30.rules`). Exit status: 0 no finding, 1 findings,
2 a file could not be read (or an output could not be written).

Two outputs, each a copy of the document (one input: a file ``OUT.docx``; several: a folder, one
``<name>.docx`` each); the original is never written:

- ``--annotate OUT.docx``: one Word comment per finding on the paragraph it is about
  (:mod:`generator.writers.docx_comments`);
- ``--fix OUT.docx``: every finding fixed that a fix can put right without changing a word, with the
  list of what changed and what is left for a person (:mod:`generator.writers.docx_fix`).

``kh check`` is declared in check.py; :class:`CheckCommand` (its ``cls``) adds the two options. There
``--fix`` is a flag (the plans' lint fixes), so ``--fix`` followed by a Word file name, with Word
documents to check, is read as the output of the Word fix.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ...nd30.findings import Finding, Report
    from ...writers.docx_fix import FixResult

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


def _converted(path: Path) -> bytes | None:
    """The .docx bytes of a file LibreOffice converts (None for a .docx read as it is); raises KhError
    when it is not a Word document or cannot be converted."""
    from ...core.errors import KhError

    suffix = path.suffix.lower()
    if suffix in CONVERTED:
        from ...importer.convert import ConvertError, to_docx

        try:
            return to_docx(path)
        except ConvertError as exc:
            raise _Unreadable(str(exc)) from None
    if suffix not in DIRECT:
        raise KhError(f"{path}: không phải tệp Word (.docx, .doc, .odt, .rtf) (not a Word document)")
    return None


def check_one(path: Path) -> Report:
    """Read, convert if needed, and judge one file; raises KhError when it cannot be read."""
    from ...nd30.check import check_path

    data = _converted(path)
    return check_path(path, data=data, label=str(path)) if data is not None else check_path(path)


class _Unreadable(Exception):
    exit_code = 2


def output_for(path: Path, out: Path, several: bool) -> Path:
    """Where the copy of ``path`` goes: ``out`` itself, or ``out/<name>.docx`` when ``out`` is a folder
    (always so for several inputs)."""
    if several or out.is_dir():
        return out / f"{path.stem}.docx"
    if out.suffix.lower() not in (".docx", ".docm"):
        raise click.UsageError(f"'{out}': bản sao phải là tệp .docx hoặc một thư mục (the copy must be a .docx "
                               f"file or a folder)")
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _outputs(files: list[Path], annotate: Path | None, fix: Path | None) -> dict[str, dict[Path, Path]]:
    """Each input's annotated and fixed copy; refused (UsageError, exit 2) when a copy would replace an
    input or the other copy."""
    several = len(files) > 1
    out: dict[str, dict[Path, Path]] = {}
    for what, target in (("annotate", annotate), ("fix", fix)):
        if target is None:
            continue
        out[what] = {p: output_for(p, target, several) for p in files}
        if len(set(out[what].values())) < len(files):
            raise click.UsageError("hai tệp vào trùng tên, bản sao sẽ ghi đè nhau (two inputs share a name: "
                                   "their copies would overwrite each other)")
    copies = [c for m in out.values() for c in m.values()]
    for c in copies:
        if any(_same_file(p, c) for p in files):
            raise click.UsageError(f"'{c}' là tệp đang kiểm tra: kh không ghi đè bản gốc (is an input: kh never "
                                   f"writes over the original)")
    if len(set(copies)) < len(copies):
        raise click.UsageError("--annotate và --fix trỏ vào cùng một tệp (--annotate and --fix name the same file)")
    return out


def run(paths: tuple[Path, ...], fmt: str = "text", quiet: bool = False, annotate: Path | None = None,
        fix: Path | None = None) -> int:
    """Check every file (and write its annotated and fixed copies); print the reports; return the exit
    status (0, 1 or 2). The status is the check's of the originals: 2 also when a copy could not be made."""
    from ...core.errors import KhError
    from ...ooxml.package import OutputError

    files = documents(paths)
    outputs = _outputs(files, annotate, fix)
    reports: list[tuple[Path, Report]] = []
    failures: list[tuple[Path, str]] = []
    extras: dict[Path, dict[str, Any]] = {}
    for path in files:
        try:
            if outputs:
                report, extras[path] = _with_copies(path, outputs)
            else:
                report = check_one(path)
            reports.append((path, report))
        except (KhError, _Unreadable, OutputError) as exc:
            reason = f"{path}: {exc.strerror}" if isinstance(exc, OutputError) and exc.strerror else str(exc)
            failures.append((path, reason))
            if fmt == "text":
                click.secho(reason, fg="red", err=True)
    if fmt == "json":
        files_out = []
        for path, r in reports:
            item = r.to_dict()
            item.update(_json_extras(extras.get(path, {})))
            files_out.append(item)
        out = {"files": files_out,
               "unreadable": [{"path": str(p), "error": e} for p, e in failures],
               "summary": _summary(reports, failures)}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for path, report in reports:
            _print_report(path, report, quiet)
            _print_extras(extras.get(path, {}))
        if len(files) > 1:
            _print_table(reports, failures)
    if failures:
        return 2
    return 1 if any(r.findings for _, r in reports) else 0


def _with_copies(path: Path, outputs: dict[str, dict[Path, Path]]) -> tuple[Report, dict[str, Any]]:
    """Judge ``path`` and write the copies asked for; the report of the original and what was written."""
    from ...writers.docx_comments import annotate_file
    from ...writers.docx_fix import fix_file

    data = _converted(path)
    label = str(path)
    done: dict[str, Any] = {}
    report = None
    if "annotate" in outputs:
        target = outputs["annotate"][path]
        report = annotate_file(path, target, data=data, label=label)
        done["annotate"] = (target, len(report.findings))
    if "fix" in outputs:
        target = outputs["fix"][path]
        result = fix_file(path, target, data=data, label=label)
        report = report or result.before
        done["fix"] = (target, result)
    assert report is not None
    return report, done


def _json_extras(extras: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "annotate" in extras:
        target, n = extras["annotate"]
        out["annotated"] = {"path": str(target), "comments": n}
    if "fix" in extras:
        target, result = extras["fix"]
        out["fixed"] = {"path": str(target), "rounds": result.rounds, "changes": [asdict(c) for c in result.changes],
                        "left": [asdict(x) for x in result.left], "failed": result.failed,
                        "after": result.after.to_dict()}
    return out


def _print_extras(extras: dict[str, Any]) -> None:
    if "annotate" in extras:
        target, n = extras["annotate"]
        click.echo(f"  → {target}: {n} ghi chú (comments) — mỗi lỗi một ghi chú ở đoạn văn của nó")
    if "fix" in extras:
        target, result = extras["fix"]
        _print_fix(target, result)


def _print_fix(target: Path, result: FixResult) -> None:
    after = result.after
    click.echo(f"  → {target}: đã sửa {len(result.changes)} chỗ, để lại {len(result.left)} chỗ cho người soạn; "
               f"kiểm tra lại: {after.errors} lỗi, {after.warnings} cảnh báo ({len(result.changes)} changes, "
               f"{len(result.left)} left for a person; checked again: {after.errors} errors, "
               f"{after.warnings} warnings)")
    if result.changes:
        click.echo("  Đã sửa, giữ nguyên chữ (changed, no word changed):")
        for c in result.changes:
            click.echo(f"    {c.text()}")
    if result.left:
        click.secho("  Để lại cho người soạn (left for a person):", fg="yellow")
        for x in result.left:
            click.echo(f"    {x.text()}")
    for failure in result.failed:
        click.secho(f"  kh không sửa được (a fix failed): {failure}", fg="yellow", err=True)


#: The options ``kh check`` has for Word documents only (added by :class:`CheckCommand`).
_FIX_DOCX = "--fix-docx"


def _route_fix(args: list[str]) -> list[str]:
    """With Word documents to check, ``--fix OUT`` (or ``--fix=OUT``) names the fixed copy (a .docx, or a
    folder for several) → ``--fix-docx OUT``; otherwise ``--fix`` stays the plans' flag and takes no value."""
    out = list(args)
    for i, arg in enumerate(out):
        if arg.startswith("--fix="):
            out[i] = _FIX_DOCX + arg[5:]
        elif arg == "--fix" and i + 1 < len(out) and not out[i + 1].startswith("-"):
            where = [j for j, a in enumerate(out) if j not in (i, i + 1) and not a.startswith("-")
                     and not (j and out[j - 1] in ("--format", "--annotate"))]
            others = tuple(Path(out[j]) for j in where)
            # an existing file named right after --fix, before every input ('kh check --fix a.docx b.docx'),
            # may be an input the user meant to check: never take it as the copy to write over
            ambiguous = Path(out[i + 1]).exists() and all(j > i for j in where)
            if others and all(p.exists() for p in others) and wants_docx(others) and not ambiguous:
                out[i] = _FIX_DOCX
    return out


class CheckCommand(click.Command):
    """``kh check`` with the outputs for Word documents: ``--annotate OUT.docx`` and ``--fix OUT.docx``.

    Used as ``@click.command(cls=CheckCommand)`` on check.py's command: the two options are added here,
    taken out of the parameters before its callback runs, and handled by :func:`run`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = [*self.params,
            click.Option(["--annotate"], type=click.Path(dir_okay=True, path_type=Path), default=None,
                         metavar="OUT.docx",
                         help="Tệp Word: ghi bản sao có một ghi chú (comment) cho mỗi lỗi, ngay ở đoạn văn của nó "
                              "(Word documents: a copy with one comment per finding)."),
            click.Option([_FIX_DOCX, "fix_docx"], type=click.Path(dir_okay=True, path_type=Path), default=None,
                         metavar="OUT.docx",
                         help="Tệp Word: '--fix OUT.docx' ghi bản sao đã sửa mọi lỗi sửa được mà không đổi chữ, "
                              "in danh sách đã sửa và để lại (Word documents: a fixed copy; no word changes)."),
        ]

        self.epilog = self.epilog or (
            "Tệp Word: 'kh check X.docx --annotate Y.docx' ghi bản sao có ghi chú; 'kh check X.docx --fix Y.docx' ghi "
            "bản sao đã sửa (lề, khổ giấy, phông, cỡ chữ, đậm/nghiêng, canh lề, thụt đầu dòng, khoảng cách, số trang) "
            "mà không đổi một chữ nào, và in danh sách đã sửa / để lại cho người soạn. Nhiều tệp: Y là thư mục. "
            "(Word documents: --annotate writes a copy with comments, --fix a fixed copy, no word changed.)")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _route_fix(args))

    def invoke(self, ctx: click.Context) -> Any:
        annotate = ctx.params.pop("annotate", None)
        fix = ctx.params.pop("fix_docx", None)
        if annotate is None and fix is None:
            return super().invoke(ctx)
        paths = tuple(ctx.params.get("paths") or ())
        if not wants_docx(paths):
            raise click.UsageError("--annotate và --fix OUT.docx chỉ dùng cho tệp Word (only for Word documents)")
        sys.exit(run(paths, ctx.params.get("fmt", "text"), bool(ctx.params.get("quiet")), annotate, fix))


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
