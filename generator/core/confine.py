"""Where files named inside plans may come from: the plans folder, unless the user says otherwise.

A plan or an organisation profile (often shared between offices) names other files: the profile
(``org: quan3`` → ``orgs/quan3.yaml``) and a template (``template: mau.docx``). Such a name must
not reach outside the plans folder — not with ``../``, an absolute path or a symlink — unless the
user passes ``--allow-outside`` (or sets ``KH_ALLOW_OUTSIDE=1``). ``--template`` on the command
line is the user's own explicit choice and is not confined.

The allowance is a value: the command line reads it once (:func:`env_allows` for the variable)
and hands it on — to :func:`outside_message` as ``allowed``, to build jobs as a field. Where a
caller cannot pass it yet, :func:`allowing_outside` sets it for one block of the current thread
(a context variable: never the process environment, never another thread, undone on exit).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

#: Environment variable that allows files outside the plans folder, read by the command line
#: (an input only: kh never sets it).
ALLOW_ENV = "KH_ALLOW_OUTSIDE"
ALLOW_HINT = ("dùng --allow-outside nếu bạn tin tệp này (pass --allow-outside to allow files outside "
              "the plans folder)")

_ALLOWED: contextvars.ContextVar[bool] = contextvars.ContextVar("kh_allow_outside", default=False)


def env_allows(environ: Mapping[str, str] | None = None) -> bool:
    """Does ``environ`` (default: this process's environment) set :data:`ALLOW_ENV` to a true value?"""
    value = (os.environ if environ is None else environ).get(ALLOW_ENV, "")
    return value.strip().lower() not in ("", "0", "no", "false")


def outside_allowed() -> bool:
    """The allowance of the current block (see :func:`allowing_outside`); False outside any."""
    return _ALLOWED.get()


@contextlib.contextmanager
def allowing_outside(allowed: bool) -> Iterator[None]:
    """Allow (or not) files outside the plans folder for the block, in this thread only."""
    token = _ALLOWED.set(bool(allowed))
    try:
        yield
    finally:
        _ALLOWED.reset(token)


def is_inside(path: Path, root: Path) -> bool:
    """Is ``path`` — every symlink resolved — inside ``root`` (also resolved)?"""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def outside_message(path: Path, root: Path, what: str, allowed: bool | None = None) -> str | None:
    """Vietnamese-first refusal when ``path`` leaves ``root`` and the user has not allowed it, else None.

    ``allowed``: the user's allowance; None takes the current block's (:func:`allowing_outside`).
    """
    if (outside_allowed() if allowed is None else allowed) or is_inside(path, root):
        return None
    return (f"{what} nằm ngoài thư mục kế hoạch {Path(root).resolve()} (outside the plans folder: "
            f"'../', absolute path or symlink)")
