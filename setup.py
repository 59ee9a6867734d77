"""Build step: ship the top-level templates/*.docx and the JSON Schemas inside the package.

The repository keeps templates/ at the top (where offices look for them); a wheel carries them
as ``generator/templates`` and ``generator/schemas`` (package data found by importlib.resources,
see generator/resources.py). All metadata is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {
    "templates": sorted((ROOT / "templates").glob("*.docx")),
    "schemas": [ROOT / "plans" / "plan.schema.json", ROOT / "plans" / "orgs" / "org.schema.json"],
}


class BuildWithData(build_py):
    """build_py, then copy the templates and schemas into build/lib/generator/."""

    def run(self) -> None:
        super().run()
        for folder, files in SHIPPED.items():
            target = Path(self.build_lib) / "generator" / folder
            target.mkdir(parents=True, exist_ok=True)
            for src in files:
                shutil.copyfile(src, target / src.name)


setup(cmdclass={"build_py": BuildWithData})
