"""``kh build <folder>``: parallel builds, failures listed at the end, only changed plans rebuilt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from .conftest import PLANS, ROOT, nd30check, run_kh


def _text(path: Path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the example plans with their profiles, plus one broken plan."""
    dst = tmp_path / "plans"
    shutil.copytree(PLANS, dst, ignore=shutil.ignore_patterns("*.json"))
    broken = (PLANS / "quan3-2025.yaml").read_text(encoding="utf-8").replace("date: 2025-04-29", "date: 2025-04-31")
    (dst / "hong.yaml").write_text(broken, encoding="utf-8")
    return dst


def _built(stdout: str) -> set[str]:
    return {Path(ln.rsplit("→ ", 1)[1]).stem for ln in stdout.splitlines() if ln.startswith("đã dựng")}


def _skipped(stdout: str) -> set[str]:
    return {Path(ln.rsplit("→ ", 1)[1]).stem for ln in stdout.splitlines() if "bỏ qua (up to date)" in ln}


def test_folder_build_continues_past_failures_and_lists_them(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_kh("build", str(folder), "-d", str(out))
    good = {p.stem for p in PLANS.glob("*.yaml")}
    assert proc.returncode == 2, proc.stderr                      # the broken plan's code
    assert _built(proc.stdout) == good
    assert not (out / "hong.docx").exists()                       # nothing half-written for it
    tail = proc.stderr.rsplit("kế hoạch lỗi (plans failed):", 1)
    assert len(tail) == 2 and tail[0].rstrip().endswith(f"1/{len(good) + 1}"), proc.stderr
    assert f"{folder / 'hong.yaml'}:" in tail[1] and "date" in tail[1]
    line = next(i for i, ln in enumerate((folder / "hong.yaml").read_text().splitlines(), 1)
                if ln.startswith("date:"))
    assert f"hong.yaml:{line}:" in proc.stderr
    for name in good:     # each output is a real, conformant document, same bytes as a single build
        single = tmp_path / f"single-{name}.docx"
        assert run_kh("build", str(folder / f"{name}.yaml"), "-o", str(single)).returncode == 0
        assert (out / f"{name}.docx").read_bytes() == single.read_bytes()
    assert not nd30check(out / "quan3-2025.docx").unexpected_failures()
    assert "Thông tin, tuyên truyền cải cách hành chính" in _text(out / "quan3-2025.docx")


def test_only_changed_plans_are_rebuilt(folder: Path, tmp_path: Path) -> None:
    (folder / "hong.yaml").unlink()
    out = tmp_path / "out"
    everything = {p.stem for p in folder.glob("*.yaml")}
    assert _built(run_kh("build", str(folder), "-d", str(out)).stdout) == everything
    stamp = json.loads((out / ".kh-build.json").read_text(encoding="utf-8"))
    assert set(stamp["outputs"]) == {f"{n}.docx" for n in everything}

    again = run_kh("build", str(folder), "-d", str(out))
    assert again.returncode == 0 and _built(again.stdout) == set() and _skipped(again.stdout) == everything

    # The plan: only that one.
    plan = folder / "binhtan-2021.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# sửa (edited)\n", encoding="utf-8")
    assert _built(run_kh("build", str(folder), "-d", str(out)).stdout) == {"binhtan-2021"}

    # The organisation profile: every plan that uses it.
    users = {p.stem for p in folder.glob("*.yaml") if "org: quan3" in p.read_text(encoding="utf-8")}
    assert users and users != everything
    org = folder / "orgs" / "quan3.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("Phạm Thị Thúy Hằng", "Nguyễn Thị Hằng"),
                   encoding="utf-8")
    proc = run_kh("build", str(folder), "-d", str(out))
    assert _built(proc.stdout) == users
    assert "Nguyễn Thị Hằng" in "\n".join(c.text for t in Document(out / "quan3-2025.docx").tables
                                          for r in t.rows for c in r.cells)

    # The template (here given with --template: a different template is a different input).
    tpl = tmp_path / "mau.docx"
    shutil.copy(ROOT / "templates" / "kehoach.docx", tpl)
    assert _built(run_kh("build", str(folder), "-d", str(out), "--template", str(tpl)).stdout) == everything
    assert _built(run_kh("build", str(folder), "-d", str(out), "--template", str(tpl)).stdout) == set()
    doc = Document(tpl)           # same path, edited template
    doc.core_properties.comments = "sửa mẫu (edited template)"
    doc.save(tpl)
    assert _built(run_kh("build", str(folder), "-d", str(out), "--template", str(tpl)).stdout) == everything

    # Another kh (version or code) rebuilds everything; so does an output changed by hand, and --force.
    stamp = json.loads((out / ".kh-build.json").read_text(encoding="utf-8"))
    for entry in stamp["outputs"].values():
        entry["kh"] = "0.0.1+older"
    (out / ".kh-build.json").write_text(json.dumps(stamp), encoding="utf-8")
    assert _built(run_kh("build", str(folder), "-d", str(out)).stdout) == everything
    (out / "tphcm-2021.docx").write_bytes(b"user's bytes")
    assert _built(run_kh("build", str(folder), "-d", str(out)).stdout) == {"tphcm-2021"}
    assert Document(out / "tphcm-2021.docx").paragraphs
    assert _built(run_kh("build", str(folder), "-d", str(out), "--force").stdout) == everything


def test_check_and_single_plan_options_keep_working(folder: Path, tmp_path: Path) -> None:
    (folder / "hong.yaml").unlink()
    out = tmp_path / "out"
    assert run_kh("build", str(folder), "-d", str(out), "--check").returncode == 1
    assert not out.exists()
    assert run_kh("build", str(folder), "-d", str(out)).returncode == 0
    assert run_kh("build", str(folder), "-d", str(out), "--check").returncode == 0
    txt = tmp_path / "x.txt"
    proc = run_kh("build", str(folder / "quan3-2025.yaml"), "-o", str(txt))
    assert proc.returncode == 0 and "KẾ HOẠCH" in txt.read_text(encoding="utf-8")
    proc = run_kh("build", str(folder / "quan3-2025.yaml"), "--to", "txt", "-d", str(out))
    assert proc.returncode == 0 and (out / "quan3-2025.txt").is_file()


def test_outputs_that_would_collide_are_refused(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        shutil.copytree(PLANS / "orgs", tmp_path / sub / "orgs")
        shutil.copy(PLANS / "quan3-2025.yaml", tmp_path / sub / "x.yaml")
    out = tmp_path / "out"
    proc = run_kh("build", str(tmp_path / "a"), str(tmp_path / "b"), "-d", str(out))
    assert proc.returncode == 2
    assert "cùng ghi ra một tệp" in proc.stderr and "same output" in proc.stderr
    assert str(tmp_path / "a" / "x.yaml") in proc.stderr and str(tmp_path / "b" / "x.yaml") in proc.stderr
    assert not out.exists()
    shutil.copy(PLANS / "quan3-2025.yaml", tmp_path / "a" / "x.yml")
    proc = run_kh("build", str(tmp_path / "a"), "-d", str(out))
    assert proc.returncode == 2 and "x.yml" in proc.stderr and "x.yaml" in proc.stderr
    assert not out.exists()


def test_full_stdout_is_not_blamed_on_the_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "generator", "build", "plans/quan3-2025.yaml", "-d",
                               str(out)], cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 1
    assert "đầu ra chuẩn" in proc.stderr and "standard output" in proc.stderr
    assert "quan3-2025.docx" not in proc.stderr and "Traceback" not in proc.stderr
    assert Document(out / "quan3-2025.docx").paragraphs       # the build itself went through


def test_closed_pipe_stops_output_quietly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    kh = subprocess.Popen([sys.executable, "-m", "generator", "build", "plans", "-d", str(out)], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    head = kh.stdout.readline()           # like `| head -1`
    kh.stdout.close()
    err = kh.stderr.read().decode()
    kh.wait(timeout=300)
    assert head.startswith("đã dựng".encode())
    assert kh.returncode == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
    assert {p.stem for p in out.glob("*.docx")} == {p.stem for p in PLANS.glob("*.yaml")}


def test_deleted_working_folder_is_named(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    kh = Path(sys.executable).with_name("kh")
    cmd = [str(kh)] if kh.exists() else [sys.executable, "-c", "from generator.app.cli import main; main()"]
    proc = subprocess.run(["sh", "-c", f'cd "{gone}" && rmdir "{gone}" && exec "$@"', "sh", *cmd, "build",
                           "plans/quan3-2025.yaml"], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 1
    assert "thư mục hiện tại không còn tồn tại" in proc.stderr and "folder was deleted" in proc.stderr


def test_progress_bar_on_a_terminal(folder: Path, tmp_path: Path) -> None:
    import pty

    (folder / "hong.yaml").unlink()
    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "generator", "build", str(folder), "-d", str(tmp_path / "o")],
                          cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, timeout=300,
                          env=dict(os.environ, COLUMNS="100", TERM="xterm"))
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    terminal = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0
    assert "dựng (building)" in terminal and f"/{len(list(folder.glob('*.yaml')))}" in terminal
    assert "dựng (building)" not in proc.stdout.decode()            # plain lines on stdout only
    assert len(_built(proc.stdout.decode())) == len(list(folder.glob("*.yaml")))
