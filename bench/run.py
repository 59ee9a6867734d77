"""Benchmark kh against the performance goals of issue 10, all ratios measured in one run.

Run from the project root (several minutes; LibreOffice and pandoc needed for (a) and (d)):

    .venv/bin/python bench/run.py [--runs N] [--batch 100] [--only a,b,c,d,e]

(a) ``kh build plans/quan3-2025.yaml`` (whole command) against ``pandoc -f markdown -t docx`` of the
    same plan's text (``kh build --to txt``); plus ``kh --help``, ``python -c pass``, import time;
(b) ``kh watch``: the .docx rebuild after a save, as the running watcher reports it, against the
    in-process render in this process (aim ≤ 1.5×); .docx → first page image with a warm
    LibreOffice (aim ≤ 1 s);
(c) 100 plans in one ``kh build <folder>`` against 100 single ``kh build`` commands (aim ≥ 10×);
(d) PDFs of 10 plans in one ``kh build <folder> --to pdf`` against ten single cold
    ``kh build --to pdf`` commands (aim ≥ 3×), both LibreOffice modes (warm server, one call);
(e) appendix task table of 100 … 10,000 rows, in-process read + render (aim: 5,000 rows ≤ 1 s,
    time per row flat from 100 to 10,000).

Writes bench/RESULTS.md and prints it. Only the standard library and kh's own modules are used;
every temporary file lives in a TemporaryDirectory. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import gc
import importlib.metadata
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project's own modules, even without an installed package

import yaml  # noqa: E402  (after the sys.path set-up above)

PLAN = ROOT / "plans" / "quan3-2025.yaml"
TASK_ROWS = (100, 1000, 2000, 5000, 10000)
PYTHON = ROOT / ".venv" / "bin" / "python" if (ROOT / ".venv" / "bin" / "python").exists() else Path(sys.executable)
KH = [str(PYTHON), "-m", "generator"] if not (ROOT / ".venv" / "bin" / "kh").exists() else \
    [str(ROOT / ".venv" / "bin" / "kh")]


# ------------------------------------------------------------------ helpers
def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.2f}" if seconds >= 1 else f"{seconds:.3f}" if seconds >= 0.01 else f"{seconds:.4f}"


def fmt_x(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}×"


def met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**yes**" if ok else "**NO**")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def run(cmd: Sequence[str | Path], **kw: Any) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run([str(c) for c in cmd], cwd=kw.pop("cwd", ROOT), stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {shlex.join(map(str, cmd))}\n{proc.stderr.decode()}")
    return proc


def wall(cmd: Sequence[str | Path], **kw: Any) -> float:
    start = time.perf_counter()
    run(cmd, **kw)
    return time.perf_counter() - start


def median_wall(cmd: Sequence[str | Path], runs: int, **kw: Any) -> float:
    wall(cmd, **kw)   # warm-up: page cache, .pyc files
    return statistics.median(wall(cmd, **kw) for _ in range(runs))


def median_call(func: Callable[[], Any], runs: int) -> float:
    func()
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def shown(path: Path | str) -> str:
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


def plan_copies(folder: Path, count: int) -> list[Path]:
    """``count`` plan files: the examples in turn (each file distinct by a closing comment)."""
    sources = sorted((ROOT / "plans").glob("*.yaml"))
    shutil.copytree(ROOT / "plans" / "orgs", folder / "orgs", dirs_exist_ok=True)
    out = []
    for i in range(count):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8") + f"# bản {i + 1} (copy {i + 1})\n"
        path = folder / f"p{i + 1:03d}-{src.stem}.yaml"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def task_plan(tmp: Path, rows: int) -> Path:
    """plans/binhtan-2021.yaml with its task table grown to ``rows`` rows (groups of 50)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load((ROOT / "plans" / "binhtan-2021.yaml").read_text(encoding="utf-8"), Loader=loader)
    source = [t for g in data["tasks"] for t in g["tasks"]]
    groups, n = [], 0
    while n < rows:
        take = min(50, rows - n)
        groups.append({"group": f"Nhóm {len(groups) + 1}",
                       "tasks": [copy.deepcopy(source[(n + i) % len(source)]) for i in range(take)]})
        n += take
    data["tasks"] = groups
    folder = tmp / f"tasks-{rows}"
    (folder / "orgs").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "plans" / "orgs" / "binhtan.yaml", folder / "orgs" / "binhtan.yaml")
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------ (a)
def goal_a(tmp: Path, runs: int) -> str:
    progress("(a) kh build vs pandoc")
    pandoc = shutil.which("pandoc")
    txt = tmp / "quan3-2025.txt"
    run([*KH, "build", PLAN, "-o", txt])
    build = [*KH, "build", PLAN, "-o", tmp / "a.docx"]
    kh_build = median_wall(build, runs)
    kh_check = median_wall([*KH, "check", PLAN], runs)
    kh_text = median_wall([*KH, "text", tmp / "a.docx"], runs)
    pan = median_wall([pandoc, "-f", "markdown", "-t", "docx", txt, "-o", tmp / "p.docx"], runs) if pandoc else None
    bare = median_wall([PYTHON, "-c", "pass"], runs)
    helps = median_wall([*KH, "--help"], runs)
    imports = median_wall([PYTHON, "-c", "import generator.app.service, generator.readers.yaml_reader, "
                                         "generator.writers.docx_writer"], runs)
    floor = median_wall([PYTHON, "-c", "import docxtpl"], runs)
    served = {"KH_SERVER": "on"}
    run([*KH, "server", "start", "--idle", "10"], env={**os.environ, **served})
    try:
        s_build = median_wall(build, runs, env={**os.environ, **served})
        s_check = median_wall([*KH, "check", PLAN], runs, env={**os.environ, **served})
        s_text = median_wall([*KH, "text", tmp / "a.docx"], runs, env={**os.environ, **served})
        status = subprocess.run([*KH, "server", "status"], capture_output=True, text=True, cwd=ROOT).stdout
        found = re.search(r"\(served\) (\d+)", status)
        count = int(found.group(1)) if found else 0
        same = (tmp / "a.docx").read_bytes()
        run([*KH, "build", PLAN, "-o", tmp / "fresh.docx"])
        same = same == (tmp / "fresh.docx").read_bytes()
    finally:
        run([*KH, "server", "stop"])
    ratio = kh_build / pan if pan else None
    s_ratio = s_build / pan if pan else None
    rows = [
        ["`kh build plans/quan3-2025.yaml -o X.docx`, a fresh process", fmt_s(kh_build)],
        ["the same with `kh server` running", fmt_s(s_build)],
        ["`pandoc -f markdown -t docx quan3-2025.txt -o X.docx`", fmt_s(pan)],
        ["`kh check plans/quan3-2025.yaml`: fresh / with `kh server`", f"{fmt_s(kh_check)} / {fmt_s(s_check)}"],
        ["`kh text X.docx` (git textconv): fresh / with `kh server`", f"{fmt_s(kh_text)} / {fmt_s(s_text)}"],
        ["`python -c pass`", fmt_s(bare)],
        ["`kh --help`", fmt_s(helps)],
        ["`python -c 'import <modules a build needs>'`", fmt_s(imports)],
        ["`python -c 'import docxtpl'` (the floor of any fresh process that renders with docxtpl)", fmt_s(floor)],
    ]
    return (f"## (a) One build against pandoc\n\nMedian of {runs} whole commands after a warm-up. "
            "Bytecode is compiled beforehand, as `pip install` does. \"With `kh server`\": "
            "`kh server start` ran first (generator/server/daemon.py); every command still starts a new `kh` "
            "process, which hands the work to a fork of the warm server.\n\n"
            + table(["command", "median (s)"], rows)
            + f"\n\nkh / pandoc: **{fmt_x(s_ratio)} with `kh server`** (aim ≤ 1×: "
            f"{met(s_ratio <= 1 if s_ratio else None)}), {fmt_x(ratio)} as a fresh process "
            f"({met(ratio <= 1 if ratio else None)}). Served and fresh builds are byte-identical: "
            f"{'yes' if same else '**NO**'}; the server ran {count} of the {3 * (runs + 1)} commands sent to it "
            f"(all of them, or it went stale). Of a fresh build's {fmt_s(kh_build)} s, importing the modules "
            f"costs {fmt_s(imports - bare)} s over a bare Python ({fmt_s(bare)} s).")


# ------------------------------------------------------------------ (b)
def goal_b(tmp: Path, runs: int) -> str:
    progress("(b) kh watch rebuild vs in-process render; docx → first page image")
    from generator.app.service import page_images, render_with_inputs
    from generator.writers.pdf_writer import Converter

    folder = tmp / "watch"
    folder.mkdir()
    shutil.copytree(ROOT / "plans" / "orgs", folder / "orgs")
    plan = folder / "plan.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    in_process = median_call(lambda: render_with_inputs(plan, "docx"), runs)

    watcher = subprocess.Popen([*KH, "watch", "plan.yaml", "--dpi", "60"], cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    docx_times, page_times = [], []
    try:
        assert "127.0.0.1" in watcher.stdout.readline()
        pattern = re.compile(r"^đã dựng #(\d+).*\.docx ([\d.]+) s, \d+ trang \(pages\) ([\d.]+) s")
        expect = 1
        for i in range(runs + 2):
            while True:
                line = watcher.stdout.readline()
                if not line:
                    raise SystemExit("kh watch stopped")
                if "lỗi (problem" in line:
                    raise SystemExit(f"kh watch reported an error: {line}")
                m = pattern.match(line)
                if m and int(m.group(1)) >= expect:
                    break
            if i >= 2:       # #1 starts LibreOffice, #2 is the first warm rebuild: skip both
                docx_times.append(float(m.group(2)))
                page_times.append(float(m.group(3)))
            expect = int(m.group(1)) + 1
            with plan.open("a", encoding="utf-8") as fh:     # a save (the watcher rebuilds on any change)
                fh.write(f"# lần lưu {i} (save {i})\n")
    finally:
        watcher.send_signal(2)
        watcher.wait(timeout=60)
    watch_docx = statistics.median(docx_times)
    watch_pages = statistics.median(page_times)

    docx, _ = render_with_inputs(plan, "docx")
    with Converter() as conv:
        first = median_call(lambda: page_images(docx, tmp / "first", conv, dpi=100, page=1), runs)
        every = median_call(lambda: page_images(docx, tmp / "all", conv, dpi=100), max(1, runs // 2))
    ratio = watch_docx / in_process
    rows = [
        ["in-process `render_with_inputs(plan, 'docx')` (this process, warm)", fmt_s(in_process)],
        ["`kh watch`: .docx rebuild after a save (as it reports)", fmt_s(watch_docx)],
        ["`kh watch`: every page image after that rebuild, 60 dpi (as it reports)", fmt_s(watch_pages)],
        [".docx → first page image (100 dpi), warm LibreOffice", fmt_s(first)],
        [".docx → every page image (100 dpi), warm LibreOffice", fmt_s(every)],
    ]
    return (f"## (b) Live preview\n\nMedians of {runs} saves (after two) / calls; plan: plans/quan3-2025.yaml.\n\n"
            + table(["measure", "median (s)"], rows)
            + f"\n\nwatch rebuild / in-process render: **{fmt_x(ratio)}** (aim ≤ 1.5×: {met(ratio <= 1.5)}); "
            f".docx → first page image: **{fmt_s(first)} s** (aim ≤ 1 s: {met(first <= 1)}).")


# ------------------------------------------------------------------ (c)
def goal_c(tmp: Path, count: int) -> str:
    progress(f"(c) {count} plans: one batch vs {count} single commands")
    folder = tmp / "many"
    folder.mkdir()
    plans = plan_copies(folder, count)
    run([*KH, "build", plans[0], "-o", tmp / "warm.docx"])
    batch = wall([*KH, "build", folder, "-d", tmp / "many-out", "--force"])
    again = wall([*KH, "build", folder, "-d", tmp / "many-out"])
    start = time.perf_counter()
    for i, plan in enumerate(plans):
        if i % 20 == 0:
            progress(f"   single {i}/{count}")
        run([*KH, "build", plan, "-o", tmp / "single.docx"])
    singles = time.perf_counter() - start
    ratio = singles / batch
    rows = [
        [f"`kh build <folder of {count}> --force` (one command, {os.cpu_count()} cores)", fmt_s(batch)],
        [f"{count} × `kh build <plan> -o X.docx`", fmt_s(singles)],
        [f"`kh build <folder of {count}>` again, nothing changed", fmt_s(again)],
    ]
    return (f"## (c) A folder of {count} plans\n\nThe examples in turn (plans/*.yaml); wall time, "
            "one run each.\n\n" + table(["command", "wall (s)"], rows)
            + f"\n\nsingles / batch: **{fmt_x(ratio)}** (aim ≥ 10×: {met(ratio >= 10)}); "
            f"an unchanged folder: {fmt_x(singles / again)} faster than the singles.")


# ------------------------------------------------------------------ (d)
def goal_d(tmp: Path) -> str:
    progress("(d) 10 PDFs in one run vs ten cold single conversions")
    from generator.writers.pdf_writer import uno_python

    folder = tmp / "ten"
    folder.mkdir()
    plans = plan_copies(folder, 10)
    timings = {}
    for mode in ("auto", "server", "batch"):
        if mode == "server" and uno_python() is None:
            continue
        env = dict(os.environ, KH_PDF_MODE=mode)
        timings[mode] = wall([*KH, "build", folder, "--to", "pdf", "-d", tmp / f"ten-{mode}", "--force"], env=env)
    start = time.perf_counter()
    for plan in plans:
        run([*KH, "build", plan, "-o", tmp / "single.pdf"], env=dict(os.environ, KH_PDF_MODE="batch"))
    singles = time.perf_counter() - start
    best = "auto"
    ratio = singles / timings[best]
    rows = [[f"`KH_PDF_MODE={m} kh build <folder of 10> --to pdf`", fmt_s(t)] for m, t in timings.items()]
    rows.append(["10 × `kh build <plan> -o X.pdf` (each starts its own LibreOffice)", fmt_s(singles)])
    return ("## (d) Ten PDFs\n\n`server`: one LibreOffice kept warm, driven through "
            "generator/writers/lo_bridge.py (python3-uno); `batch`: one `soffice --convert-to pdf` call "
            "for all files; `auto` (the default): `batch` for files handed over together, `server` for "
            "single files (watch, preview) when a Python with `uno` exists.\n\n"
            + table(["command", "wall (s)"], rows)
            + f"\n\nsingles / one run ({best}): **{fmt_x(ratio)}** (aim ≥ 3×: {met(ratio >= 3)}).")


# ------------------------------------------------------------------ (e)
def goal_e(tmp: Path, runs: int) -> str:
    progress("(e) appendix task table growth")
    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    rows, per_row = [], {}
    for n in TASK_ROWS:
        progress(f"   {n} rows")
        path = task_plan(tmp, n)
        k = runs if n <= 1000 else max(1, runs // 3)
        t_read = median_call(lambda p=path: read_plan(p), k)
        plan = read_plan(path)
        t_render = median_call(lambda p=plan: render_docx(p), k)
        per_row[n] = (t_read + t_render) / n
        rows.append([f"{n:,}", fmt_s(t_read), fmt_s(t_render), fmt_s(t_read + t_render),
                     f"{per_row[n] * 1000:.3f}"])
    at5k = next(r for r in rows if r[0] == "5,000")
    total5k = float(at5k[3])
    growth = per_row[TASK_ROWS[-1]] / per_row[TASK_ROWS[1]]
    return ("## (e) Appendix task table\n\nplans/binhtan-2021.yaml with its task list grown (groups of 50), "
            "in-process `read_plan` + `render_docx`, median.\n\n"
            + table(["rows", "read_plan (s)", "render_docx (s)", "total (s)", "ms per row"], rows)
            + f"\n\n5,000 rows: **{fmt_s(total5k)} s** (aim ≤ 1 s: {met(total5k <= 1)}); "
            f"time per row at 10,000 rows is {growth:.2f}× that at 1,000 (linear: ≈ 1×).")


# ------------------------------------------------------------------ main
def machine() -> str:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    pandoc = shutil.which("pandoc")
    soffice = shutil.which("soffice")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    info = [
        ("cores", str(os.cpu_count())),
        ("load average at start (1 min)", f"{load:.2f}"),
        ("OS / Python", f"{platform.system()} {platform.release()} / {platform.python_version()}"),
        ("pandoc", subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
         if pandoc else "not found"),
        ("LibreOffice", subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip()
         if soffice else "not found"),
        ("docxtpl / pydantic", f"{version('docxtpl')} / {version('pydantic')}"),
    ]
    return table(["item", "value"], [[k, v] for k, v in info])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions for medians (default 5)")
    parser.add_argument("--batch", type=int, default=100, help="plans in goal (c) (default 100)")
    parser.add_argument("--only", default="a,b,c,d,e", help="goals to run, e.g. a,e")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    # Measure kh as installed: bytecode compiled (pip does it; PYTHONDONTWRITEBYTECODE would hide it),
    # commands run in their own process unless a goal starts a server, in a private runtime folder
    # so that a kh server of the user's is neither used nor stopped.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["KH_SERVER"] = "off"
    import compileall

    compileall.compile_dir(ROOT / "generator", quiet=1)
    began, when = time.perf_counter(), dt.datetime.now().astimezone()
    goals = {"a": lambda t: goal_a(t, args.runs), "b": lambda t: goal_b(t, args.runs),
             "c": lambda t: goal_c(t, args.batch), "d": goal_d, "e": lambda t: goal_e(t, args.runs)}
    sections = []
    with tempfile.TemporaryDirectory(prefix="kh-bench-") as tmp:
        runtime = Path(tmp) / "runtime"
        runtime.mkdir(mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        for key in args.only.split(","):
            sub = Path(tmp) / key
            sub.mkdir()
            sections.append(goals[key.strip()](sub))
    command = shlex.join([".venv/bin/python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    text = (f"# kh benchmark results (issue 10 goals)\n\n- Date: {when.isoformat(timespec='seconds')}\n"
            f"- Command: `{command}` (from the project root); whole run took "
            f"{time.perf_counter() - began:.0f} s\n\n{machine()}\n\n" + "\n\n".join(sections) + "\n")
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
