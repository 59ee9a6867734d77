"""Helpers shared by commands: plan discovery, error printing, the shared click settings."""

from __future__ import annotations

from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def plan_files(paths: tuple[Path, ...]) -> list[Path]:
    """Plan files named on the command line; a folder stands for its *.yaml files."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise click.UsageError(f"thư mục '{path}' không có tệp .yaml nào (no plan files in folder)")
            out += found
        else:
            out.append(path)
    return out


def fail(exc: Exception) -> int:
    """Print an error in red on stderr; return its exit code."""
    from ...core.errors import KhError

    click.secho(str(exc), fg="red", err=True)
    return exc.exit_code if isinstance(exc, KhError) else 1
