"""A real (non-editable) install: build the wheel, install it in a fresh venv, kh init, build, check.

The wheel is installed with --no-index --no-deps; its dependencies come from this test run's own
environment through a .pth line, so the test needs no network beyond what building the wheel needs
(pip's build isolation fetches setuptools from the configured index, as CI does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import PLANS, ROOT, nd30check, run_kh

SOURCES = ["generator", "templates", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md",
           "plans/plan.schema.json", "plans/orgs/org.schema.json"]


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the built wheel installed; returns its bin/ folder."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    for rel in SOURCES:
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / rel).is_dir():
            shutil.copytree(ROOT / rel, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(ROOT / rel, target)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(src)], cwd=base)
    wheel = next((base / "dist").glob("kh-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for need in ("generator/templates/kehoach.docx", "generator/templates/quyetdinh.docx",
                 "generator/schemas/plan.schema.json", "generator/schemas/org.schema.json"):
        assert need in names, need
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-index", "--no-deps",
          str(wheel)], cwd=base)
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "kh_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir / "bin"


def _env(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_wheel_installs_inits_and_builds(installed: Path, tmp_path: Path) -> None:
    env = _env(installed)
    where = _run([str(installed / "python"), "-c",
                  "import generator, generator.core.resources as r; print(generator.__file__);"
                  " print(r.templates_dir())"],
                 cwd=tmp_path, env=env).stdout.split()
    assert all(str(installed.parent) in w for w in where), where          # the installed copy, not the repo
    kh = str(installed / "kh")
    office = tmp_path / "office"
    _run([kh, "init", str(office), "--year", "2026", "--no-git"], cwd=tmp_path, env=env)
    _run([kh, "fmt", "--check", "plans"], cwd=office, env=env)
    _run([kh, "check", "--strict", "plans"], cwd=office, env=env)
    # an example plan of this repository, built by the installed kh inside the new office folder
    shutil.copyfile(PLANS / "quan3-2025.yaml", office / "plans" / "quan3-2025.yaml")
    shutil.copyfile(PLANS / "orgs" / "quan3.yaml", office / "plans" / "orgs" / "quan3.yaml")
    _run([kh, "build", "plans"], cwd=office, env=env)
    for name in ("coquan-2026", "quan3-2025"):
        result = nd30check(office / "output" / f"{name}.docx")
        assert not result.unexpected_failures(), result.output
    # same bytes as the source checkout's kh
    mine = tmp_path / "repo-quan3-2025.docx"
    assert run_kh("build", str(PLANS / "quan3-2025.yaml"), "-o", str(mine)).returncode == 0
    assert (office / "output" / "quan3-2025.docx").read_bytes() == mine.read_bytes()
