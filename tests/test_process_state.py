"""No process-wide state: a kh command run in-process leaves no signal handler, environment
variable or warnings filter behind, and renders in two threads keep their warnings apart."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator.app import service
from generator.app.cli import main
from generator.app.commands.common import Terminated
from generator.app.service import Job, build_job
from generator.core.confine import ALLOW_ENV, allowing_outside, outside_allowed, outside_message
from generator.core.sandbox import LimitError, safe_range

from .conftest import ROOT


def _previous_handler(*_: object) -> None:   # a caller's own SIGTERM handler, to be kept
    raise AssertionError("not to be called")


@pytest.fixture
def own_sigterm() -> Any:
    """This process's SIGTERM handler set to a known one for the test, the real one back after."""
    before = signal.signal(signal.SIGTERM, _previous_handler)
    yield _previous_handler
    signal.signal(signal.SIGTERM, before if before is not None else signal.SIG_DFL)


def _probe_run_jobs(monkeypatch: pytest.MonkeyPatch, seen: dict[str, Any]) -> None:
    """Record the SIGTERM handler, the environment and the allowance while ``kh build`` renders."""
    real = service.run_jobs

    def run_jobs(jobs: list[Job], workers: int | None = None) -> Any:
        seen["handler"] = signal.getsignal(signal.SIGTERM)
        seen["environ"] = dict(os.environ)
        seen["allow"] = [job.allow_outside for job in jobs]
        seen["scope"] = outside_allowed()
        yield from real(jobs, workers)

    monkeypatch.setattr(service, "run_jobs", run_jobs)


def _outside_profile(project: Path, tmp_path: Path) -> Path:
    """The scratch plan, its profile reached through a symlink that leaves the plans folder."""
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    shutil.copy(project / "orgs" / "q3.yaml", outside / "q3.yaml")
    (project / "orgs" / "q4.yaml").symlink_to(outside / "q3.yaml")
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("org: q3", "org: q4"), encoding="utf-8")
    return plan


# ------------------------------------------------------------------ SIGTERM
def test_build_in_process_installs_sigterm_only_while_it_runs(project: Path, tmp_path: Path, own_sigterm: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    _probe_run_jobs(monkeypatch, seen)
    out = tmp_path / "x.docx"
    result = CliRunner().invoke(main, ["build", str(project / "plan.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    during = seen["handler"]
    assert during is not own_sigterm and callable(during)       # the command line's own handler …
    with pytest.raises(Terminated) as info:
        during(signal.SIGTERM, None)
    assert info.value.code == 128 + signal.SIGTERM               # … unwinds with 143, as a killed build exits
    assert signal.getsignal(signal.SIGTERM) is own_sigterm       # … and the caller's came back


@pytest.mark.parametrize("args", [["build", "{plan}", "-o", "{out}"], ["check", "{plan}"], ["text", "{plan}"]],
                         ids=["build-invalid", "check-invalid", "text-invalid"])
def test_a_failing_command_also_gives_the_handler_back(project: Path, tmp_path: Path, own_sigterm: Any,
                                                       args: list[str]) -> None:
    plan = project / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("date: 2025-04-29", "date: 2025-13-45"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, [a.format(plan=plan, out=tmp_path / "x.docx") for a in args])
    assert result.exit_code == 2, result.output
    assert signal.getsignal(signal.SIGTERM) is own_sigterm


def test_a_run_off_the_main_thread_installs_nothing(project: Path, tmp_path: Path, own_sigterm: Any) -> None:
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(CliRunner().invoke(
        main, ["build", str(project / "plan.yaml"), "-o", str(tmp_path / "x.docx")])))
    thread.start()
    thread.join(120)
    assert results and results[0].exit_code == 0, results and results[0].output
    assert signal.getsignal(signal.SIGTERM) is own_sigterm


def test_sigterm_stops_watch_cleanly(project: Path, tmp_path: Path) -> None:
    """``kh watch`` ends on SIGTERM as on Ctrl-C: exit 0, 'stopped', its temporary folder removed."""
    from generator.writers.pdf_writer import soffice

    if soffice() is None or shutil.which("pdftoppm") is None:
        if os.environ.get("KH_REQUIRE_LIBREOFFICE"):
            raise RuntimeError("KH_REQUIRE_LIBREOFFICE is set but LibreOffice/poppler are missing")
        pytest.skip("needs LibreOffice and poppler-utils")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "watch", str(project / "plan.yaml"),
                             "-d", str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "TMPDIR": str(tmpdir), "PYTHONUNBUFFERED": "1"})
    try:
        assert "127.0.0.1" in (proc.stdout.readline() if proc.stdout else "")
        deadline = time.monotonic() + 120
        while not (tmp_path / "out" / "plan.docx").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "đã dừng (stopped)" in out and "Traceback" not in err
    assert not any(p.name.startswith("kh-watch-") for p in tmpdir.iterdir())


# ------------------------------------------------------------------ --allow-outside
def test_allow_outside_is_a_value_not_an_environment_variable(project: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    plan = _outside_profile(project, tmp_path)
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    before = dict(os.environ)
    seen: dict[str, Any] = {}
    _probe_run_jobs(monkeypatch, seen)
    runner = CliRunner()
    refused = runner.invoke(main, ["build", str(plan), "-o", str(tmp_path / "a.docx")])
    assert refused.exit_code == 2 and "ngoài thư mục kế hoạch" in refused.output
    allowed = runner.invoke(main, ["--allow-outside", "build", str(plan), "-o", str(tmp_path / "b.docx")])
    assert allowed.exit_code == 0, allowed.output
    assert seen["allow"] == [True] and seen["scope"] is True     # handed to the job, set for the command
    assert seen["environ"] == before                             # not through the environment …
    assert dict(os.environ) == before and outside_allowed() is False   # … and nothing left behind
    again = runner.invoke(main, ["build", str(plan), "-o", str(tmp_path / "c.docx")])
    assert again.exit_code == 2 and not (tmp_path / "c.docx").exists()


def test_the_environment_variable_still_allows(project: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    plan = _outside_profile(project, tmp_path)
    seen: dict[str, Any] = {}
    _probe_run_jobs(monkeypatch, seen)
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "x.docx")], env={ALLOW_ENV: "1"})
    assert result.exit_code == 0, result.output
    assert seen["allow"] == [True]
    assert CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "y.docx")],
                              env={ALLOW_ENV: "0"}).exit_code == 2


def test_a_job_carries_its_allowance_to_any_thread(project: Path, tmp_path: Path) -> None:
    """A worker (another thread here, another process in a folder build) needs only the job."""
    plan = _outside_profile(project, tmp_path)
    outcomes: dict[str, service.Outcome] = {}

    def run(name: str, allow: bool | None) -> None:
        outcomes[name] = build_job(Job(plan, tmp_path / f"{name}.txt", "txt", allow_outside=allow))

    with allowing_outside(True):     # this thread's setting is not another thread's
        threads = [threading.Thread(target=run, args=(name, allow))
                   for name, allow in (("yes", True), ("no", False), ("unset", None))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert build_job(Job(plan, tmp_path / "here.txt", "txt")).error is None    # None: the caller's (True)
    assert outcomes["yes"].error is None and outcomes["yes"].data
    assert outcomes["no"].exit_code == 2 and "ngoài thư mục kế hoạch" in (outcomes["no"].error or "")
    assert outcomes["unset"].exit_code == 2            # a new thread starts from "not allowed"
    assert outside_allowed() is False


def test_outside_message_takes_the_allowance_as_an_argument(tmp_path: Path) -> None:
    root, far = tmp_path / "plans", tmp_path / "elsewhere" / "mau.docx"
    assert outside_message(far, root, "mẫu", allowed=True) is None
    assert "ngoài thư mục kế hoạch" in (outside_message(far, root, "mẫu", allowed=False) or "")
    assert outside_message(root / "mau.docx", root, "mẫu", allowed=False) is None
    with allowing_outside(True):
        assert outside_message(far, root, "mẫu") is None
        assert outside_message(far, root, "mẫu", allowed=False) is not None   # an explicit value wins


# ------------------------------------------------------------------ layout warnings
def _narrow(project: Path, name: str, columns: list[dict[str, Any]]) -> Path:
    """A copy of the scratch plan with a task appendix whose columns are too narrow."""
    data = yaml.safe_load((project / "plan.yaml").read_text(encoding="utf-8"))
    data["tasks"] = [{"tasks": [{"task": "Tổ chức hội nghị", "lead": "noi-vu",
                                 "product": "Báo-cáo-tổng-hợp-kết-quả-thực-hiện"}]}]
    data["appendices"] = [{"type": "tasks", "title": "Nhiệm vụ", "columns": columns}]
    path = project / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_two_renders_in_two_threads_keep_their_own_warnings(project: Path, tmp_path: Path) -> None:
    plans = {
        "stt": _narrow(project, "stt", [{"key": "stt", "width": 0.5}, {"key": "task", "width": 6},
                                        {"key": "lead", "width": 3}]),
        "product": _narrow(project, "product", [{"key": "stt", "width": 1.2}, {"key": "task", "width": 6},
                                                {"key": "product", "width": 0.8}]),
    }
    said: dict[str, list[list[str]]] = {name: [] for name in plans}
    start = threading.Barrier(len(plans))

    def render(name: str) -> None:
        start.wait()
        for i in range(6):
            fmt = "docx" if i % 2 else "txt"
            said[name].append(build_job(Job(plans[name], tmp_path / f"{name}.{fmt}", fmt)).warnings)

    with warnings.catch_warnings(record=True) as python_warnings:
        warnings.simplefilter("always")
        threads = [threading.Thread(target=render, args=(name,)) for name in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
    assert all(len(runs) == 6 for runs in said.values()), said
    for runs in said["stt"]:
        assert len(runs) == 1 and "cột 'STT'" in runs[0], runs
    for runs in said["product"]:
        assert runs and all("cột 'STT'" not in w for w in runs) and any("cột 'Dự kiến" in w for w in runs), runs
    assert [str(w.message) for w in python_warnings if "cột" in str(w.message)] == []   # values, not warnings


def test_build_prints_layout_warnings_in_process(project: Path, tmp_path: Path) -> None:
    plan = _narrow(project, "stt", [{"key": "stt", "width": 0.5}, {"key": "task", "width": 6},
                                    {"key": "lead", "width": 3}])
    filters = list(warnings.filters)
    result = CliRunner().invoke(main, ["build", str(plan), "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 0, result.output
    assert result.output.count("cảnh báo (warning): Phụ lục, cột 'STT'") == 1
    assert warnings.filters == filters


# ------------------------------------------------------------------ cycle collector
def test_the_cycle_collector_stays_on_through_a_whole_build(project: Path, tmp_path: Path) -> None:
    """Checked at every Python call kh makes while it reads the plan and writes the .docx."""
    package = str(ROOT / "generator")
    calls: dict[str, int] = {"readers": 0, "writers": 0}
    off: list[str] = []

    def profile(frame: Any, event: str, _arg: object) -> None:
        if event != "call" or not frame.f_code.co_filename.startswith(package):
            return
        for part in calls:
            if f"/{part}/" in frame.f_code.co_filename:
                calls[part] += 1
        if not gc.isenabled() and len(off) < 5:
            off.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    assert gc.isenabled()
    sys.setprofile(profile)
    try:
        result = CliRunner().invoke(main, ["build", str(project / "plan.yaml"), "-o", str(tmp_path / "x.docx")])
    finally:
        sys.setprofile(None)
    assert result.exit_code == 0, result.output
    assert calls["readers"] > 20 and calls["writers"] > 20, calls       # the probe saw both halves
    assert off == [], f"cycle collector switched off in: {off}"
    assert gc.isenabled()


# ------------------------------------------------------------------ digit grouping
def test_sandbox_limits_group_digits_the_vietnamese_way() -> None:
    with pytest.raises(LimitError) as info:
        safe_range(20_000)
    assert "range() quá 10.000 phần tử" in info.value.vi and "10,000" in info.value.en
