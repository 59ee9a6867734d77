"""Files kh ships with: the .docx templates and the JSON Schemas, found in the installed package.

In a wheel they live inside the package (``generator/templates``, ``generator/schemas``, copied
there at build time by ``setup.py``), found with :mod:`importlib.resources`; in a source checkout
they are the repository's top-level ``templates/`` folder and the schemas generated from the model.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent.parent

SCHEMA_NAMES = {"plan": "plan.schema.json", "org": "org.schema.json"}


def templates_dir() -> Path:
    """The folder holding kehoach.docx and quyetdinh.docx."""
    packaged = resources.files("generator") / "templates"
    if packaged.is_dir() and (packaged / "kehoach.docx").is_file():
        return Path(str(packaged))
    return _REPO / "templates"


def packaged_schema(kind: str = "plan") -> str | None:
    """The JSON Schema shipped in a wheel (``"plan"`` or ``"org"``); None in a source checkout."""
    packaged = resources.files("generator") / "schemas" / SCHEMA_NAMES[kind]
    return packaged.read_text(encoding="utf-8") if packaged.is_file() else None
