"""Command line entry point: ``kh <command>``.

Each command lives in its own module under :mod:`generator.app.commands` and is imported only when
it runs (or when ``kh --help`` lists it), so start-up stays small. Exit codes: 0 done,
1 output differs (--check) or other failure, 2 invalid plan, 3 broken template.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

import click

from .. import __version__
from .commands.common import CONTEXT, Options, Terminated
from .streams import standard_streams

#: command name → "module:attribute" under generator.app.commands (add a line to add a command); a
#: dotted module is absolute: ``kh server`` belongs to the optional server layer above this one.
COMMANDS: dict[str, str] = {
    "build": "build:build",
    "preview": "preview:preview",
    "watch": "watch:watch",
    "check": "check:check",
    "clone": "clone:clone", "fmt": "fmt:fmt", "init": "init:init",
    "schema": "schema:schema",
    "text": "text:text",
    "diff": "diff:diff",
    "redline": "redline:redline",
    "import": "import_:import_",
    "export": "export:export",
    "new": "new:new",
    "server": "generator.server.command:server",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attr = COMMANDS[name].split(":")
            full = module if "." in module else f"{__package__}.commands.{module}"
            return getattr(importlib.import_module(full), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="kh")
@click.option("--allow-outside", is_flag=True, help="Cho phép hồ sơ/mẫu nằm ngoài thư mục kế hoạch "
              "(allow profiles and templates outside the plans folder: ../, absolute paths, symlinks).")
@click.pass_context
def main(ctx: click.Context, allow_outside: bool) -> None:
    """kh: soạn Kế hoạch đúng Nghị định 30/2020 từ tệp YAML.

    kh turns a plan written in YAML into a Nghị định 30-conformant Kế hoạch (.docx).

    \b
    Ví dụ (examples):
      kh build plans/quan3-2025.yaml        → output/quan3-2025.docx
      kh build plans/                       → mọi kế hoạch trong thư mục
      kh check plans/quan3-2025.yaml        → chỉ kiểm tra, không ghi tệp
      kh schema > plans/plan.schema.json    → JSON Schema cho VS Code
    """
    import os

    from ..core.confine import allowing_outside, env_allows

    try:   # a deleted working folder: say so, instead of "file not found" for every relative path
        os.getcwd()
    except FileNotFoundError:
        raise click.ClickException("thư mục hiện tại không còn tồn tại (the current folder was deleted); "
                                   "hãy cd sang một thư mục có thật (cd to an existing folder)") from None
    # Everything below is undone when the command ends (the context closes), so an in-process
    # caller (a test's CliRunner, the warm server's fork) keeps its own state.
    ctx.with_resource(standard_streams())   # first: a closed stdout must not turn output into a traceback
    ctx.obj = Options(allow_outside=allow_outside or env_allows())
    ctx.with_resource(allowing_outside(ctx.obj.allow_outside))   # for callers that cannot pass it yet
    ctx.with_resource(_sigterm_unwinds())


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While the command runs, SIGTERM raises :class:`Terminated` (exit 128 + SIGTERM), as Ctrl-C does:
    a folder build's workers shut down, LibreOffice and temporary folders are cleaned up, and a file
    being written is finished first (:func:`generator.ooxml.package.write_atomic` defers signals).
    The previous handler comes back afterwards; off the main thread nothing is installed."""
    import signal

    def unwind(signum: int, _frame: object) -> None:
        raise Terminated(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, unwind)
    except ValueError:     # not the main thread: Python allows handlers there only
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    main()
