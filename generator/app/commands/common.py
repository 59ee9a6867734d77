"""Helpers shared by commands: the shared click settings, the options of ``kh`` itself, plan
discovery, error printing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ...model.plan import Plan

#: click settings of ``kh`` and of every command.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass(frozen=True)
class Options:
    """The options given to ``kh`` before the command (``kh --allow-outside build …``).

    ``kh``'s main puts them on the click context (``ctx.obj``); a command reads them with
    :func:`options` and hands them on as values.
    """

    allow_outside: bool = False   # profiles/templates named in plans may lie outside the plans folder


def options() -> Options:
    """The options of the running ``kh``; the defaults when a command runs on its own (tests)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Options) if ctx is not None else None
    return found if found is not None else Options()


class Terminated(SystemExit):
    """SIGTERM arrived while a command ran (see :func:`generator.app.cli.main`): it unwinds like
    Ctrl-C, ``finally`` blocks run, and the exit status is 128 + SIGTERM."""


def plan_files(paths: tuple[Path, ...], allow_outside: bool | None = None) -> list[Path]:
    """Plan files named on the command line; a folder stands for its *.yaml files.

    A file found in a folder that is a link to a file outside that folder is skipped with one line
    naming the link (never its target's content) unless the user allows files outside the plans
    folder (``allow_outside``; None: ``kh --allow-outside``). A file named explicitly is used as is.
    """
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise click.UsageError(f"thư mục '{path}' không có tệp .yaml nào (no plan files in folder)")
            out += inside_folder(found, path, allow_outside)
        else:
            out.append(path)
    return out


def inside_folder(found: list[Path], folder: Path, allow_outside: bool | None = None) -> list[Path]:
    """``found`` (files met while scanning ``folder``) without those resolving outside ``folder``
    — a link committed to a shared plans repository must not make kh read (and quote) another file.
    Each one skipped is named on stderr; with ``allow_outside`` (None: the user's option) all are kept."""
    from ...core.confine import ALLOW_HINT, is_inside

    if options().allow_outside if allow_outside is None else allow_outside:
        return found
    kept = []
    for path in found:
        if is_inside(path, folder):
            kept.append(path)
        else:
            click.secho(f"{path}: bỏ qua, là liên kết tới tệp ngoài thư mục {folder} (skipped: links to a file "
                        f"outside the folder); {ALLOW_HINT}", fg="yellow", err=True)
    return kept


def fail(exc: Exception) -> int:
    """Print an error in red on stderr; return its exit code."""
    from ...core.errors import KhError

    click.secho(str(exc), fg="red", err=True)
    return exc.exit_code if isinstance(exc, KhError) else 1


def show_warnings(plan: Path, warnings: list[str]) -> None:
    """Print a plan's layout warnings in yellow on stderr (the document is still written)."""
    for warning in warnings:
        click.secho(f"{plan}: {warning}", fg="yellow", err=True)


def read_where_it_will_live(out: Path, text: str, *, prefix: str = ".kh-new-", quiet: bool = True) -> Plan:
    """Read a new plan ``text`` as if it were already at ``out`` (its profile found from there) before
    anything is written; on a problem print it naming ``out`` and exit: nothing is written.

    ``quiet``: the reader's warnings are dropped (else printed, as a build prints them); ``prefix``:
    of the hidden temporary copy. Returns the plan read."""
    import os
    import sys
    import tempfile

    from ...core.errors import KhError
    from ...readers.yaml_reader import read_plan

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".yaml", dir=out.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        tmp_path.write_text(text, encoding="utf-8")
        try:
            return read_plan(tmp_path, [] if quiet else None)
        except KhError as exc:
            click.secho(str(exc).replace(str(tmp_path), str(out)), fg="red", err=True)
            click.secho(f"không ghi {out} (nothing written)", fg="red", err=True)
            sys.exit(exc.exit_code)
    finally:
        tmp_path.unlink(missing_ok=True)
