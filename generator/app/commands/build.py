"""``kh build``: plans → .docx / .txt / .pdf, a whole folder in parallel, only what changed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .common import CONTEXT, options, plan_files, show_warnings

FORMATS = ("docx", "txt", "pdf")


class Say:
    """Lines for stdout that survive a closed pipe (``| head``) or a full disk (``> /dev/full``).

    A failure to write stdout is reported once on stderr and never blamed on an output file.
    """

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.broken = False
        self.failed = False
        self.progress: Any = None

    def __call__(self, text: str) -> None:
        if self.quiet or self.broken:
            return
        try:
            if self.progress is not None and sys.stdout.isatty():
                self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
            else:
                click.echo(text)
                sys.stdout.flush()
        except BrokenPipeError:
            self._mute()
        except OSError as exc:
            self._mute()
            self.failed = True
            click.secho(f"không ghi được ra đầu ra chuẩn (cannot write to standard output): {exc.strerror or exc}",
                        fg="red", err=True)

    def _mute(self) -> None:
        """Send further stdout writes (and the interpreter's final flush) to /dev/null."""
        import os

        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Tệp kết quả (output file); chỉ dùng với một kế hoạch.")
@click.option("-d", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Thư mục kết quả (output folder).")
@click.option("-t", "--to", "fmt", type=click.Choice(FORMATS), default=None,
              help="Định dạng: docx (mặc định), txt, pdf (cần LibreOffice). Mặc định theo đuôi của -o.")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mẫu .docx thay cho mẫu của kế hoạch/tổ chức (template override).")
@click.option("--check", is_flag=True,
              help="Không ghi gì; thoát 1 nếu tệp kết quả chưa cập nhật (exit 1 if output is out of date).")
@click.option("-f", "--force", is_flag=True,
              help="Dựng lại cả kế hoạch không đổi (rebuild even if nothing changed).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Số tiến trình song song (parallel workers); mặc định = số lõi CPU.")
@click.option("-q", "--quiet", is_flag=True, help="Chỉ in lỗi (errors only).")
def build(paths: tuple[Path, ...], output: Path | None, outdir: Path, fmt: str | None, template: Path | None,
          check: bool, force: bool, jobs: int | None, quiet: bool) -> None:
    """Dựng kế hoạch thành .docx (build plans into documents).

    \b
    Cả thư mục: dựng song song, thanh tiến độ trên terminal, bỏ qua kế hoạch không đổi
    (kế hoạch, hồ sơ tổ chức, mẫu, phiên bản kh) trừ khi --force; lỗi được liệt kê cuối cùng.
    Lỗi trong kế hoạch: in vị trí tệp:dòng:cột, thoát mã 2, không ghi tệp nào của kế hoạch đó.
    """
    from ..service import Job

    plans = plan_files(paths)
    if output is not None and len(plans) != 1:
        raise click.UsageError("-o/--output chỉ dùng với một kế hoạch (one plan only); dùng --outdir")
    if fmt is None:
        fmt = output.suffix.lstrip(".").lower() if output is not None and output.suffix else "docx"
        if fmt not in FORMATS:
            raise click.UsageError(f"không biết định dạng '.{fmt}' (unknown format); dùng --to")
    allow = options().allow_outside
    job_list = [Job(p, output if output is not None else outdir / f"{p.stem}.{fmt}", fmt, template, allow)
                for p in plans]
    _refuse_collisions(job_list)
    say = Say(quiet)
    # SIGTERM unwinds like Ctrl-C (kh's main installs that): parallel workers shut down, no orphans; a
    # write in progress finishes first (ooxml.package.write_atomic defers signals), so no half-written file.
    status = _run(job_list, say, check=check, force=force, stamped=output is None and not check, workers=jobs)
    if say.failed:
        status = max(status, 1)
    sys.exit(status)


def _refuse_collisions(jobs: list[Any]) -> None:
    """Two plans writing one output file, or an output over a plan: a usage error before any work."""
    seen: dict[Path, Path] = {}
    for job in jobs:
        out = job.out
        if out.suffix.lower() in (".yaml", ".yml") or out.resolve() == job.plan.resolve():
            raise click.UsageError(f"không ghi đè tệp YAML '{out}' (refusing to overwrite a plan file)")
        key = out.resolve()
        if key in seen:
            raise click.UsageError(
                f"hai kế hoạch cùng ghi ra một tệp (two plans would write the same output) '{out}': "
                f"{seen[key]} và (and) {job.plan}; đổi tên một tệp hoặc dựng riêng với -o (rename one, or use -o)")
        seen[key] = job.plan


def _run(todo: list[Any], say: Say, *, check: bool, force: bool, stamped: bool, workers: int | None) -> int:
    """Build ``todo``; print one line per plan, then every failure; return the exit status."""
    from ...ooxml.package import write_atomic
    from ..service import Stamps, convert_pdfs, kh_version, run_jobs

    stamps: dict[Path, Stamps] = {}
    version = kh_version() if stamped else ""
    pending = []
    for job in todo:
        if stamped:
            folder = stamps.setdefault(job.out.parent.resolve(), Stamps(job.out.parent))
            if not force and folder.fresh(job.out, job.fmt, job.template, version):
                say(f"không đổi, bỏ qua (up to date): {job.plan} → {job.out}")
                continue
        pending.append(job)
    status = 0
    failures: list[tuple[Path, str]] = []
    stale: list[Path] = []

    def failed(plan: Path, message: str, code: int) -> None:
        nonlocal status
        status = max(status, code)
        failures.append((plan, message))
        click.secho(message, fg="red", err=True)

    def finish(outcome: Any) -> None:
        job = outcome.job
        for note in outcome.notes:      # the reader's warnings, as it prints them itself
            click.echo(note, err=True)
        show_warnings(job.plan, outcome.warnings)
        if outcome.error is not None:
            failed(job.plan, outcome.error, outcome.exit_code)
            return
        if check:
            try:
                same = job.out.is_file() and job.out.read_bytes() == outcome.data
            except OSError:
                same = False
            if not same:
                stale.append(job.out)
                say(f"cần dựng lại (would rebuild): {job.plan} → {job.out}")
            return
        try:
            write_atomic(job.out, outcome.data)
        except OSError as exc:
            failed(job.plan, f"{job.out}: không ghi được (cannot write): {exc.strerror or exc}", 1)
            return
        if stamped:
            stamps[job.out.parent.resolve()].record(job.out, job.fmt, job.template, version, outcome.inputs,
                                                    outcome.data)
        say(f"đã dựng (built): {job.plan} → {job.out}")

    with _progress(len(pending), say) as advance:
        rendered = []
        for outcome in run_jobs(pending, workers):
            advance(outcome.job.plan.name)
            if outcome.job.fmt == "pdf":
                rendered.append(outcome)
            else:
                finish(outcome)
        if rendered:
            convert_pdfs(rendered, note=lambda msg: click.echo(msg, err=True))
            for outcome in rendered:
                finish(outcome)
    for folder in stamps.values():
        try:
            folder.save()
        except OSError as exc:
            click.secho(f"{folder.path}: không ghi được (cannot write): {exc.strerror or exc}", fg="red", err=True)
    if len(todo) > 1 and failures:
        click.secho(f"{len(failures)}/{len(todo)} kế hoạch lỗi (plans failed):", fg="red", err=True)
        for plan, message in sorted(failures, key=lambda f: str(f[0])):
            first = message.splitlines()[0] if message else ""
            click.secho(f"  {first}" if first.startswith(str(plan)) else f"  {plan}: {first}", fg="red", err=True)
    if check and stale and status == 0:
        status = 1
    return status


class _progress:
    """A rich progress bar on stderr when it is a terminal and there is more than one plan."""

    def __init__(self, total: int, say: Say) -> None:
        self.total, self.say, self.bar, self.task = total, say, None, None

    def __enter__(self) -> Any:
        if self.total > 1 and not self.say.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("dựng (building)"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.description}"),
                                console=Console(stderr=True), transient=True, redirect_stdout=False)
            self.task = self.bar.add_task("", total=self.total)
            self.bar.start()
            self.say.progress = self.bar
        return self.advance

    def advance(self, name: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=name)

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.say.progress = None
