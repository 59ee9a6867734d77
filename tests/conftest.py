"""Shared helpers: paths, the tools a test needs, running the CLI and the shared ND30 checker.

Tools: a test that needs one declares it, ``@pytest.mark.requires("soffice", "poppler")`` (or calls
:func:`need` / :func:`have`); :func:`missing_tool` alone decides what a missing one means: a skip
naming the tool and how to install it, or — in CI (``CI=true``, ``KH_REQUIRE_TOOLS=1``) — a failure.
The markers ``libreoffice``, ``browser`` and ``shared`` follow from the tools required.

Runs: ``python -m pytest`` (no paths, no ``-m``) deselects the ``slow``, ``libreoffice`` and ``browser``
tests; ``python -m pytest --full`` (what CI runs), explicit paths or ``-m`` select as asked.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The domain material beside the repository (absent in a user's clone); KH_SHARED points elsewhere,
#: e.g. ``KH_SHARED=/nonexistent`` runs the suite as a fresh clone would.
SHARED = Path(os.environ.get("KH_SHARED") or ROOT.parent / "shared")
CHECKER = SHARED / "nd30" / "nd30check.py"
#: Copies of ../shared/seeds and ../shared/probe/repro (small), so the tests that read them always run;
#: tests/test_shared_copies.py checks they still equal ../shared's.
SEEDS = FIXTURES / "seeds"
REPRO = FIXTURES / "probe_repro"


# ------------------------------------------------------------------ tools a test needs
def _poppler() -> bool:
    return all(shutil.which(exe) for exe in ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm"))


def _soffice() -> bool:
    from generator.writers.pdf_writer import soffice

    return soffice() is not None


def _uno() -> bool:
    from generator.writers.pdf_writer import uno_python

    return _soffice() and uno_python() is not None


def _chromium() -> bool:
    return chromium() is not None


@dataclass(frozen=True)
class Tool:
    """Something outside Python a test needs: how to find it, how to install it, its marker."""

    what: str
    found: Callable[[], bool]
    install: str
    marker: str | None = None


TOOLS: dict[str, Tool] = {
    "soffice": Tool("LibreOffice (soffice)", _soffice, "apt-get install -y libreoffice-writer-nogui",
                    "libreoffice"),
    "poppler": Tool("poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm)", _poppler,
                    "apt-get install -y poppler-utils", "libreoffice"),
    "uno": Tool("a Python with LibreOffice's uno module (/usr/bin/python3 + python3-uno)", _uno,
                "apt-get install -y libreoffice-writer-nogui python3-uno", "libreoffice"),
    "chromium": Tool("Chromium", _chromium, "apt-get install -y chromium", "browser"),
    "git": Tool("git", lambda: shutil.which("git") is not None, "apt-get install -y git"),
    "shared": Tool(f"the shared domain material {SHARED} (seeds, checkers)", SHARED.is_dir,
                   "place the shared folder beside the repository, or set KH_SHARED", "shared"),
}
#: Tools that KH_REQUIRE_LIBREOFFICE=1 (the older switch) makes required; CI requires them all.
_LIBREOFFICE_TOOLS = {"soffice", "poppler", "uno", "chromium"}


def chromium() -> str | None:
    """Path of a Chromium binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@functools.cache
def tool_found(name: str) -> bool:
    """Is tool ``name`` (a key of :data:`TOOLS`) on this machine? Looked up once per run."""
    return TOOLS[name].found()


def tools_required(name: str) -> bool:
    """Must tool ``name`` be present? In CI (``CI=true`` or ``KH_REQUIRE_TOOLS=1``) every tool must."""
    if os.environ.get("CI", "").lower() in ("true", "1") or os.environ.get("KH_REQUIRE_TOOLS") == "1":
        return True
    return name in _LIBREOFFICE_TOOLS and bool(os.environ.get("KH_REQUIRE_LIBREOFFICE"))


def missing_tool(name: str) -> None:
    """The one decision for a missing tool: fail where it is required (CI), else skip, saying why."""
    tool = TOOLS[name]
    if tools_required(name):
        pytest.fail(f"{tool.what} is required here (CI, KH_REQUIRE_TOOLS or KH_REQUIRE_LIBREOFFICE) but "
                    f"missing: {tool.install}", pytrace=False)
    pytest.skip(f"{tool.what} not available ({tool.install})")


def need(*names: str) -> None:
    """Skip (or, in CI, fail) the running test unless every tool in ``names`` is present."""
    for name in names:
        if not tool_found(name):
            missing_tool(name)


def have(name: str) -> bool:
    """For an optional second opinion: is ``name`` present? Missing where required (CI) fails."""
    if tool_found(name):
        return True
    if tools_required(name):
        missing_tool(name)
    return False


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true",
                     help="run every test (slow, LibreOffice, browser too): the CI run")


#: What a plain ``python -m pytest`` (no paths, no -m) leaves out: about a minute instead of several.
DEFAULT_DESELECT = "not slow and not libreoffice and not browser"


def pytest_configure(config: pytest.Config) -> None:
    """The quick run unless --full, -m or test paths are given."""
    if (not config.getoption("--full") and not config.option.markexpr
            and config.args_source is pytest.Config.ArgsSource.TESTPATHS):
        config.option.markexpr = DEFAULT_DESELECT


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.option.markexpr == DEFAULT_DESELECT:
        return f"kh: quick run (-m '{DEFAULT_DESELECT}'); every test: python -m pytest --full"
    return None


#: Tests left out of the quick run, in one place: file → its tests (or "*": all of them) → why. Each
#: takes a second or more on the two-core machine (``--durations``), or finds LibreOffice itself
#: where its file does not declare ``requires("soffice")``.
SLOW = "slow"
MARKED: dict[str, dict[str, tuple[str, str]]] = {
    "tests/test_hostile_props.py": {"*": (SLOW, "property searches: 30 + 10 whole plans built and Word-checked, "
                                                "300 mutated plans built and checked")},
    "tests/test_appendix_render.py": {
        "test_row_heights_settled_by_length_agree_with_measuring_every_character":
            (SLOW, "300 hypothesis tables, every character measured"),
        "test_spliced_table_text_is_what_lxml_writes": (SLOW, "150 hypothesis tables written both ways"),
        "test_plan_with_appendix_tables_same_bytes_spliced_or_parsed": (SLOW, "built three ways, both checkers")},
    "tests/test_review_blocks.py": {
        "test_table_redlines_are_word_clean": (SLOW, "every table redline through the Word checkers (~7 s)")},
    "tests/test_redline.py": {
        name: (SLOW, "five redlines of whole plans (module fixture), Word-checked") for name in (
            "test_redline_is_word_clean_and_nd30", "test_word_level_marks_keep_formatting",
            "test_whole_paragraphs_and_rows", "test_deleted_footnote_is_kept_for_reject")} | {
        "test_reproducible_with_source_date_epoch": (SLOW, "two redlines in new processes")},
    "tests/test_probe_repro.py": {
        "test_documents_are_word_clean_and_keep_the_text": (SLOW, "a new kh process, four documents Word-checked")},
    "tests/test_import_word.py": {"test_imported_plan_builds_and_is_word_clean": (SLOW, "Word-checked")},
    "tests/test_ooxml.py": {"test_examples_are_word_clean": (SLOW, "every example Word-checked"),
                            "test_variants_are_word_clean": (SLOW, "three variants Word-checked")},
    "tests/test_batch.py": {
        "test_only_changed_plans_are_rebuilt": (SLOW, "eleven folder builds"),
        "test_folder_build_continues_past_failures_and_lists_them": (SLOW, "folder build, then each plan alone"),
        "test_check_and_single_plan_options_keep_working": (SLOW, "three folder builds"),
        "test_full_stdout_is_not_blamed_on_the_output_file": (SLOW, "a build in a new process"),
        "test_closed_pipe_stops_output_quietly": (SLOW, "a folder build in a new process"),
        "test_progress_bar_on_a_terminal": (SLOW, "a folder build in a new process on a terminal")},
    "tests/test_fmt.py": {
        "test_fmt_examples_keeps_meaning_comments_and_output": (SLOW, "every example formatted and built twice"),
        "test_dump_new_and_format_keep_any_text": (SLOW, "150 hypothesis plans")},
    "tests/test_wheel.py": {"*": (SLOW, "builds a wheel and installs it in a new virtual environment")},
    "tests/test_server.py": {"*": (SLOW, "starts kh servers and waits on them")},
    "tests/test_hostile_files.py": {
        "test_signal_while_writing_leaves_no_partial_or_temp_file": (SLOW, "a folder build signalled while it writes"),
        "test_two_builds_of_one_output_never_corrupt_it": (SLOW, "racing processes"),
        "test_sigterm_during_a_parallel_batch_leaves_no_worker_behind": (SLOW, "a parallel build signalled")},
    # files of other owners
    "tests/test_server_safety.py": {"*": (SLOW, "starts kh servers and waits out their time limits")},
    "tests/test_read_fastpaths.py": {
        name: (SLOW, "hypothesis plans read both ways") for name in (
            "test_fast_parse_gives_the_recording_parse_generated", "test_lint_walk_is_the_recursive_walk",
            "test_later_passes_over_collected_texts_are_full_walks", "test_walk_kinds_are_kind_of_each_path")},
    "tests/test_check_annotate_fix.py": {
        "test_wild_files": (SLOW, "every wild Word file checked, annotated, fixed"),
        "test_fixed_copies_are_word_clean": (SLOW, "Word-checks every fixed copy"),
        "test_annotated_copies_are_word_clean": (SLOW, "Word-checks every annotated copy"),
        "test_fix_of_a_plain_python_docx_document": (SLOW, "Word-checked")},
    "tests/test_nd30_docx.py": {
        "test_verdicts_agree_with_the_shared_checker_on_wild_files": (SLOW, "both checkers on every wild file")},
    "tests/test_probe3_app.py": {
        "test_commands_with_stdout_closed_exit_normally": (SLOW, "every command in a new process"),
        "test_watch_page_does_not_quote_a_linked_file_outside_the_folder": (SLOW, "kh watch in a new process")},
    "tests/test_process_state.py": {"test_sigterm_stops_watch_cleanly": ("libreoffice", "kh watch renders pages")},
    "tests/test_convert_safety.py": {
        name: ("libreoffice", "converts with soffice") for name in (
            "test_each_defence_alone_keeps_linked_content_offline",
            "test_import_of_a_document_with_links_makes_no_network_request",
            "test_signal_during_conversion_stops_libreoffice_and_removes_its_folder",
            "test_timeout_stops_libreoffice_and_removes_its_folder")},
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by the tools it requires (libreoffice, browser, shared) and by :data:`MARKED`,
    before -m selects; an entry of MARKED that names no test of a collected file is reported."""
    used, files = set(), set()
    for item in items:
        for mark in item.iter_markers("requires"):
            for name in mark.args:
                if name not in TOOLS:
                    raise pytest.UsageError(f"{item.nodeid}: unknown tool {name!r} in requires ({sorted(TOOLS)})")
                if TOOLS[name].marker:
                    item.add_marker(TOOLS[name].marker)
        file, _, name = item.nodeid.split("[", 1)[0].partition("::")
        files.add(file)
        for key in (name, "*"):
            if key in MARKED.get(file, {}):
                item.add_marker(MARKED[file][key][0])
                used.add((file, key))
    stale = [f"{file}::{name}" for file, tests in MARKED.items() for name in tests
             if file in files and (file, name) not in used]
    if stale:
        config.issue_config_time_warning(pytest.PytestConfigWarning(
            f"tests/conftest.py MARKED names tests that no longer exist: {stale}"), stacklevel=2)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("requires"):
        need(*mark.args)


#: This repository's example plans that reproduce a real document in ../shared/seeds (plan → seed text).
SEED_OF = {
    "quan3-2025": "000_cff90e727f3af707.txt",
    "tphcm-2021": "002_849484349623f4c5.txt",
    "binhtan-2021": "004_aaba01c058eb00d8.txt",
}
#: Example plans that reproduce no seed: a draft for next year showing what the seeds do not (blanks
#: for the văn thư, tasks driving the assignments, report form, budget, footnote); a ward plan using
#: the plan options of issue 9; tables in the body and appendices of every shape (issue 17).
SHOWCASE = {"quan3-2026-du-thao", "vothisau-2025", "tables-demo"}
#: The examples, listed explicitly: the tests compare them in detail.
EXAMPLES = sorted(SEED_OF.keys() | SHOWCASE)


def other_plans(folder: Path = PLANS) -> list[str]:
    """Every other plan found in ``folder`` (an office's own, in a fork): built and checked, nothing more."""
    return sorted(p.stem for p in [*folder.glob("*.yaml"), *folder.glob("*.yml")] if p.stem not in EXAMPLES)


OTHER_PLANS = other_plans()

# Checker rules known to be wrong, with the exact message tolerated (rule id → pattern). Empty:
# the one we reported (HDR-DATE rejecting "Quận 3") has been fixed in nd30check.py.
KNOWN_CHECKER_FALSE_POSITIVES: dict[str, re.Pattern[str]] = {}


@dataclass
class CheckResult:
    passed: list[str]
    failed: dict[str, str]
    summary: str
    output: str

    def unexpected_failures(self) -> dict[str, str]:
        return {rule: msg for rule, msg in self.failed.items()
                if not (rule in KNOWN_CHECKER_FALSE_POSITIVES and KNOWN_CHECKER_FALSE_POSITIVES[rule].match(msg))}


#: nd30check.py checks 34 rules today; fewer means a broken or truncated run, not a pass.
ND30_MIN_RULES = 34


# ------------------------------------------------------------------ checker scripts, kept loaded
#: Runs ``main(argv)`` of one checker script (one of ../shared's) for each input line (the argument
#: list as JSON) and answers one JSON line: the exit status and what it printed. The script is
#: loaded once per test run (ooxmlcheck reads its schemas once) instead of once per call.
_SCRIPT_WORKER = """
import contextlib, io, json, runpy, sys, traceback
main = runpy.run_path(sys.argv[1])["main"]
for line in sys.stdin:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            status = main(json.loads(line))
        except SystemExit as exc:
            status = exc.code
        except Exception as exc:
            status = f"{type(exc).__name__}: {exc}"
            print(traceback.format_exc())
    print(json.dumps({"status": status, "stdout": out.getvalue()}), flush=True)
"""
_script_workers: dict[Path, subprocess.Popen[str]] = {}
_script_lock = threading.Lock()


def spawn_worker(program: str, *args: str) -> subprocess.Popen[str]:
    """A Python process running ``program`` (lines in, lines out), its stderr kept, stopped at exit."""
    log = tempfile.TemporaryFile()
    worker = subprocess.Popen([sys.executable, "-c", program, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=log, text=True, encoding="utf-8")
    worker.log = log        # type: ignore[attr-defined]
    atexit.register(_stop_worker, worker)
    return worker


def worker_log(worker: subprocess.Popen[str]) -> str:
    """What ``worker`` wrote to its stderr so far."""
    worker.log.seek(0)                                      # type: ignore[attr-defined]
    return worker.log.read().decode(errors="replace")      # type: ignore[attr-defined]


def _stop_worker(worker: subprocess.Popen[str]) -> None:
    if worker.poll() is None:
        worker.stdin.close()        # type: ignore[union-attr]
        worker.wait(timeout=30)


@dataclass
class ScriptRun:
    status: object      # main's return value (the exit status), or the exception it raised
    stdout: str


def run_script(script: Path, argv: list[str]) -> ScriptRun:
    """``main(argv)`` of ``script``, as ``python script ...`` runs it, in a worker that keeps it loaded."""
    with _script_lock:
        worker = _script_workers.get(script)
        if worker is None or worker.poll() is not None:
            worker = _script_workers[script] = spawn_worker(_SCRIPT_WORKER, str(script))
    try:
        worker.stdin.write(json.dumps(argv) + "\n")           # type: ignore[union-attr]
        worker.stdin.flush()                                   # type: ignore[union-attr]
        answer = worker.stdout.readline()                      # type: ignore[union-attr]
    except BrokenPipeError:
        answer = ""
    if not answer:
        raise AssertionError(f"{script} did not run:\n{worker_log(worker)}")
    reply = json.loads(answer)
    return ScriptRun(reply["status"], reply["stdout"])


#: kh's own ND30 check evaluates about 33 rules on a plan; fewer means a broken run, not a pass.
KH_ND30_MIN_RULES = 25


def kh_nd30check(path: Path) -> CheckResult:
    """kh's own ND30 check (generator.nd30, the rules ``kh check FILE.docx`` applies) of a .docx.

    Always runs (it ships with kh): ``failed`` maps each rule with a finding to its messages, ``passed``
    lists the rules checked without one; at least :data:`KH_ND30_MIN_RULES` rules must have been checked.
    """
    from generator.nd30.check import check_path

    report = check_path(Path(path))
    assert report.rules_checked >= KH_ND30_MIN_RULES, \
        f"kh's ND30 check evaluated {report.rules_checked} rules on {path}, expected at least {KH_ND30_MIN_RULES}"
    failed: dict[str, str] = {}
    for finding in report.findings:
        failed[finding.rule] = "; ".join(filter(None, (failed.get(finding.rule), finding.message)))
    judged = [rule for rule in report.rules if rule not in failed]
    output = "\n".join(f"FAIL {rule} {msg}" for rule, msg in failed.items())
    summary = f"kh nd30: {report.rules_checked} rules, {len(failed)} failed"
    return CheckResult(judged, failed, summary, output + ("\n" if output else "") + summary)


def shared_nd30check(path: Path) -> CheckResult:
    """Run ../shared/nd30/nd30check.py on a .docx and parse its report.

    The checker must have run: its exit status is 1 exactly when a rule failed, 0 otherwise, and it
    reported at least :data:`ND30_MIN_RULES` rules. Where ../shared is absent the calling test is
    skipped (a failure in CI) — never passed without a check.
    """
    need("shared")
    assert CHECKER.is_file(), f"{CHECKER} is missing"
    run = run_script(CHECKER, [str(CHECKER), os.path.abspath(path)])
    passed, failed = [], {}
    for line in run.stdout.splitlines():
        m = re.match(r"^(PASS|FAIL) (\S+) ?(.*)$", line)
        if m:
            (passed.append(m.group(2)) if m.group(1) == "PASS" else failed.__setitem__(m.group(2), m.group(3)))
    lines = run.stdout.strip().splitlines()
    output = run.stdout
    assert run.status == (1 if failed else 0), f"{CHECKER} exit status {run.status}:\n{output}"
    assert len(passed) + len(failed) >= ND30_MIN_RULES, \
        f"{CHECKER} checked {len(passed) + len(failed)} rules, expected at least {ND30_MIN_RULES}:\n{output}"
    return CheckResult(passed, failed, lines[-1] if lines else "", output)


def nd30check(path: Path) -> CheckResult:
    """ND30 verdict on a .docx kh built: kh's own rules always, and ../shared/nd30/nd30check.py as a
    second opinion wherever ../shared is present (required in CI: ``have`` fails there when it is
    missing). A rule fails when either checker fails it; both messages are kept."""
    ours = kh_nd30check(path)
    if not have("shared"):
        return ours
    theirs = shared_nd30check(path)
    failed = dict(theirs.failed)
    for rule, msg in ours.failed.items():
        failed[rule] = f"{failed[rule]} | kh: {msg}" if rule in failed else f"kh: {msg}"
    passed = [r for r in dict.fromkeys([*theirs.passed, *ours.passed]) if r not in failed]
    return CheckResult(passed, failed, f"{theirs.summary}; {ours.summary}", f"{theirs.output}\n{ours.output}")


@contextlib.contextmanager
def _process_state_kept(cwd: Path) -> Iterator[None]:
    """Run in ``cwd``; afterwards the working folder, environment, umask, signal handlers, warning
    filters and garbage collector are as before, whatever the command changed."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    environ, before, gc_on = dict(os.environ), os.getcwd(), gc.isenabled()
    mask = os.umask(0o22)
    os.umask(mask)
    try:
        with warnings.catch_warnings():
            os.chdir(cwd)
            yield
    finally:
        os.chdir(before)
        os.umask(mask)
        if dict(os.environ) != environ:
            os.environ.clear()
            os.environ.update(environ)
        for sig, handler in handlers.items():
            if signal.getsignal(sig) is not handler and handler is not None:
                signal.signal(sig, handler)
        (gc.enable if gc_on else gc.disable)()


def run_kh(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line (``python -m generator``'s ``main``) in this process with click's
    runner, ~0.4 s quicker than a new Python each time; the result reads like the subprocess's.

    An uncaught exception gives what Python would print (its traceback on stderr, exit 1), so tests
    that refuse a traceback still see one. Tests of the process itself (signals, closed streams,
    the server, environment) use :func:`run_kh_process`.
    """
    from click.testing import CliRunner

    from generator.app.cli import main

    with _process_state_kept(cwd or ROOT):
        result = CliRunner().invoke(main, list(args), prog_name="kh")
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))   # type: ignore[misc]
        code = 1
    return subprocess.CompletedProcess(["kh", *args], code, result.stdout, stderr)


def run_kh_process(*args: str, cwd: Path | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the real command line (python -m generator) in a new process."""
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="session")
def built_examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example plan built once by the CLI into a temporary folder."""
    out = tmp_path_factory.mktemp("examples")
    proc = run_kh("build", *(str(PLANS / f"{name}.yaml") for name in EXAMPLES), "--outdir", str(out))
    assert proc.returncode == 0, proc.stderr
    return {name: out / f"{name}.docx" for name in EXAMPLES}


ORG = """\
name: Ủy ban nhân dân Quận 3
short_name: Ủy ban nhân dân quận
header: [ỦY BAN NHÂN DÂN, QUẬN 3]
symbol: UBND
place: Quận 3
units:
  noi-vu: Phòng Nội vụ quận
  btg: {name: Ban Tuyên giáo và Dân vận Quận ủy, request: true}
signers:
  hang: {authority: KT. CHỦ TỊCH, position: PHÓ CHỦ TỊCH, name: Phạm Thị Thúy Hằng}
"""

PLAN = """\
org: q3
number: 118
date: 2025-04-29
subject: Thông tin, tuyên truyền năm {{ year }}
bases:
  - kind: Kế hoạch
    number: 1895/KH-UBND
    date: 2024-03-26
    issuer: Ủy ban nhân dân Thành phố
    subject: thông tin, tuyên truyền
intro: Ủy ban nhân dân Quận 3 ban hành Kế hoạch như sau
sections:
  - title: Mục đích, yêu cầu
    sections:
      - title: Mục đích
        bullets:
          - Tuyên truyền các chủ trương
          - text: Tăng cường phối hợp
            bullets: [Chi tiết một, Chi tiết hai]
      - title: Yêu cầu
        points: [Điểm một, Điểm hai, Điểm ba, Điểm bốn, Điểm năm, Điểm sáu]
  - title: Tổ chức thực hiện
    assignments:
      - unit: noi-vu
        tasks: [Triển khai tập huấn, Tổng hợp báo cáo]
      - unit: btg
        tasks: [Định hướng tuyên truyền]
closing: Trên đây là Kế hoạch năm {{ year }}
recipients: [Sở Nội vụ Thành phố, TT. UBND Q.3]
archive: VT, NV
signer: hang
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch folder with a small valid plan (plan.yaml) and its profile (orgs/q3.yaml)."""
    (tmp_path / "orgs").mkdir()
    (tmp_path / "orgs" / "q3.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return tmp_path


def git_commit_all(folder: Path) -> None:
    """Make ``folder`` a git repository with everything in it committed (skips when git is missing)."""
    need("git")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "."], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "plan"], cwd=folder, check=True)
