"""Where files named inside plans may come from: the plans folder, unless the user says otherwise.

A plan or an organisation profile (often shared between offices) names other files: the profile
(``org: quan3`` → ``orgs/quan3.yaml``) and a template (``template: mau.docx``). Such a name must
not reach outside the plans folder — not with ``../``, an absolute path or a symlink — unless the
user passes ``--allow-outside`` (or sets ``KH_ALLOW_OUTSIDE=1``). ``--template`` on the command
line is the user's own explicit choice and is not confined.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable set by ``--allow-outside`` (inherited by build workers).
ALLOW_ENV = "KH_ALLOW_OUTSIDE"
ALLOW_HINT = ("dùng --allow-outside nếu bạn tin tệp này (pass --allow-outside to allow files outside "
              "the plans folder)")


def outside_allowed() -> bool:
    """Has the user allowed files outside the plans folder?"""
    return os.environ.get(ALLOW_ENV, "").strip().lower() not in ("", "0", "no", "false")


def allow_outside() -> None:
    """Allow files outside the plans folder for this process and the workers it starts."""
    os.environ[ALLOW_ENV] = "1"


def is_inside(path: Path, root: Path) -> bool:
    """Is ``path`` — every symlink resolved — inside ``root`` (also resolved)?"""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def outside_message(path: Path, root: Path, what: str) -> str | None:
    """Vietnamese-first refusal when ``path`` leaves ``root`` and the user has not allowed it, else None."""
    if outside_allowed() or is_inside(path, root):
        return None
    return (f"{what} nằm ngoài thư mục kế hoạch {Path(root).resolve()} (outside the plans folder: "
            f"'../', absolute path or symlink)")
