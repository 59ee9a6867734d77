"""Benchmark kh: whole-command times against pandoc, in-process times and YAML parsing.

Run from the project root (about a minute and a half at the default 10 runs):

    .venv/bin/python bench/run.py [--runs N]

It measures, in one run, and writes bench/RESULTS.md (and prints the same tables):

1. Wall time of whole commands (median and min of N runs after one warm-up): ``python -c pass``,
   ``kh --help``, ``kh build PLAN -o X.docx`` for the three example plans and a synthetic plan
   10x larger, side by side with ``pandoc -f markdown -t docx`` converting the same plan's text
   (written by ``kh build PLAN -o X.txt``); the ratios kh/pandoc and ``kh --help``/``python -c pass``
   are checked against the project's aims (at most 0.8x and 6x).
2. In-process times of ``read_plan(path)`` and ``render_docx(plan)`` per plan, and the import time
   of the modules a build needs (``-X importtime`` and a timed subprocess, both net of ``-c pass``).
3. The synthetic plan: plans/quan3-2025.yaml with its ``sections`` repeated 10 times.
4. YAML parsing of a ~1 MB plan: PyYAML's SafeLoader, CSafeLoader, the project's own
   ``yamlsource.parse`` and the full ``read_plan``.

Only the standard library and the project's own modules (plus their dependencies) are used;
every temporary file lives in a TemporaryDirectory.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import gc
import importlib.metadata
import math
import os
import platform
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

EXAMPLES = ("quan3-2025", "tphcm-2021", "binhtan-2021")
SYNTHETIC = "quan3-2025-x10"
SYNTHETIC_FACTOR = 10
BIG_BYTES = 1_000_000
AIM_BUILD_VS_PANDOC = 0.8  # kh build of an example: at most 0.8x pandoc's whole command
AIM_HELP_VS_PYTHON = 6.0  # kh --help: at most 6x a bare `python -c pass`
BUILD_IMPORTS = "import generator.readers.yaml_reader, generator.writers.docx_writer"


# ------------------------------------------------------------------ helpers
def progress(message: str) -> None:
    """Progress goes to stderr so that stdout carries only the tables."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def fmt_s(seconds: float | None) -> str:
    """Seconds with about three significant digits; 'n/a' when not measured."""
    if seconds is None or math.isnan(seconds):
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.2f}"
    if seconds >= 0.1:
        return f"{seconds:.3f}"
    if seconds >= 0.01:
        return f"{seconds:.4f}"
    return f"{seconds:.5f}"


def fmt_ratio(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}×"


def yes_no(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**yes**" if ok else "**NO**")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; numeric-looking columns are right-aligned."""
    def numeric(i: int) -> bool:
        return all(r[i][:1].isdigit() or r[i] == "n/a" for r in rows) if rows else False

    align = ["---:" if numeric(i) else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


class Timing:
    """Median and minimum of a list of durations in seconds."""

    def __init__(self, samples: list[float]) -> None:
        self.samples = samples
        self.median = statistics.median(samples)
        self.min = min(samples)


def time_command(cmd: Sequence[str | Path], runs: int) -> Timing:
    """Wall time of a whole command: one warm-up, then ``runs`` timed runs."""
    argv = [str(c) for c in cmd]

    def once() -> float:
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"command failed ({proc.returncode}): {shlex.join(argv)}\n"
                             f"{proc.stderr.decode(errors='replace')}")
        return elapsed

    once()  # warm-up: page cache, .pyc files
    return Timing([once() for _ in range(runs)])


def time_call(func: Callable[[], Any], runs: int) -> Timing:
    """In-process time of ``func()``: one warm-up, then ``runs`` timed calls."""
    func()
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return Timing(samples)


def shown(path: Path | str) -> str:
    """A path as typed from the project root when it lies inside it."""
    path = Path(path)
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ machine
def machine_info(python: Path, pandoc: str | None) -> list[tuple[str, str]]:
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    pandoc_version = "not found"
    if pandoc:
        out = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
        pandoc_version = out.splitlines()[0] if out else "unknown"
    libyaml = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    return [
        ("nproc", nproc),
        ("CPU", cpu),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_version()} ({shown(python)})"),
        ("docxtpl", version("docxtpl")),
        ("pydantic", version("pydantic")),
        ("PyYAML", f"{version('PyYAML')} (libyaml: {libyaml})"),
        ("pandoc", pandoc_version),
    ]


# ------------------------------------------------------------------ synthetic plans
def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def repeated_plan(data: dict[str, Any], times: int) -> str:
    """The plan with its ``sections`` repeated ``times`` times, dumped back to YAML.

    Each repetition is a deep copy: repeating the very same objects would make PyYAML write
    anchors and aliases (&id001 / *id001) and the file would hardly grow.
    """
    out = dict(data)
    out["sections"] = [copy.deepcopy(s) for _ in range(times) for s in data["sections"]]
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False)


def make_synthetic(tmp: Path) -> tuple[Path, Path, int]:
    """Write the 10x plan and the >= 1 MB plan (with orgs/quan3.yaml beside them)."""
    source = ROOT / "plans" / "quan3-2025.yaml"
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=_loader())
    (tmp / "orgs").mkdir(exist_ok=True)
    shutil.copy(ROOT / "plans" / "orgs" / "quan3.yaml", tmp / "orgs" / "quan3.yaml")

    x10 = tmp / f"{SYNTHETIC}.yaml"
    x10.write_text(repeated_plan(data, SYNTHETIC_FACTOR), encoding="utf-8")

    # Estimate the repetitions for 1 MB from the growth per repetition, then top up if short.
    one = len(repeated_plan(data, 1).encode())
    two = len(repeated_plan(data, 2).encode())
    times = max(1, math.ceil((BIG_BYTES - one) / max(1, two - one)) + 1)
    text = repeated_plan(data, times)
    while len(text.encode()) < BIG_BYTES:
        times += 1
        text = repeated_plan(data, times)
    big = tmp / "quan3-2025-1mb.yaml"
    big.write_text(text, encoding="utf-8")
    return x10, big, times


# ------------------------------------------------------------------ import time
def importtime_us(python: Path, code: str) -> int:
    """Sum of the cumulative times (µs) of the top-level entries of ``-X importtime``."""
    proc = subprocess.run([str(python), "-X", "importtime", "-c", code], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    total = 0
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|", 2)
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue  # the header line
        name = parts[2]
        if len(name) - len(name.lstrip(" ")) == 1:  # top level: nested entries are indented further
            total += int(parts[1])
    return total


# ------------------------------------------------------------------ main
TASK_ROWS = (100, 1000, 2000, 5000)


def task_plan(tmp: Path, rows: int) -> Path:
    """plans/binhtan-2021.yaml with its task table grown to ``rows`` rows (in groups of 50)."""
    data = yaml.load((ROOT / "plans" / "binhtan-2021.yaml").read_text(encoding="utf-8"), Loader=_loader())
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


def task_table_section(tmp: Path, kh: Path, read_plan: Callable[[Path], Any],
                       render_docx: Callable[[Any], bytes]) -> str:
    """How building a plan grows with its appendix task table (in-process, median of 3)."""
    rows, per_row = [], {}
    for n in TASK_ROWS:
        progress(f"   {n} rows")
        path = task_plan(tmp, n)
        t_read = time_call(lambda p=path: read_plan(p), 3)
        plan = read_plan(path)
        t_render = time_call(lambda p=plan: render_docx(p), 3)
        size = len(render_docx(plan))
        total = t_read.median + t_render.median
        per_row[n] = total / n
        rows.append([f"{n:,}", f"{path.stat().st_size:,}", fmt_s(t_read.median), fmt_s(t_render.median),
                     fmt_s(total), f"{1000 * total / n:.2f}", f"{size:,}"])
    t_cmd = time_command([kh, "build", task_plan(tmp, 1000), "-o", tmp / "tasks-1000.docx"], 3)
    growth = (per_row[TASK_ROWS[-1]] / per_row[TASK_ROWS[0]])
    return (
        "## 5. Appendix task table: growth from 100 to 5,000 rows\n\n"
        "plans/binhtan-2021.yaml with its task list repeated (groups of 50 rows) and its landscape task "
        "appendix; in-process `read_plan` + `render_docx`, median of 3 after one warm-up.\n\n"
        + table(["rows", "YAML bytes", "read_plan (s)", "render_docx (s)", "total (s)", "ms per row",
                 ".docx bytes"], rows)
        + f"\n\nWhole command `kh build` of the 1,000-row plan: median {fmt_s(t_cmd.median)} s (3 runs). "
        f"Time per row at {TASK_ROWS[-1]:,} rows is {growth:.2f}× the time per row at {TASK_ROWS[0]:,} rows "
        "(1.00 would be exactly linear).")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per measurement (default 10)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md",
                        help="Markdown file to write (default bench/RESULTS.md)")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    began = time.perf_counter()
    started_at = dt.datetime.now().astimezone()

    venv_bin = ROOT / ".venv" / "bin"
    python = venv_bin / "python" if (venv_bin / "python").exists() else Path(sys.executable)
    kh = venv_bin / "kh" if (venv_bin / "kh").exists() else Path(shutil.which("kh") or "kh")
    pandoc = shutil.which("pandoc")
    command = shlex.join([shown(sys.executable), shown(Path(sys.argv[0]).resolve()), *sys.argv[1:]])

    from generator.readers import yamlsource
    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    sections: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kh-bench-") as tmp_name:
        tmp = Path(tmp_name)
        progress("writing the synthetic plans")
        x10, big, big_times = make_synthetic(tmp)
        plans = {name: ROOT / "plans" / f"{name}.yaml" for name in EXAMPLES}
        plans[SYNTHETIC] = x10

        # Plain text of each plan, given to pandoc as Markdown; kh's own .docx for the sizes.
        texts: dict[str, Path] = {}
        docx_sizes: dict[str, int] = {}
        for name, path in plans.items():
            texts[name] = tmp / f"{name}.txt"
            for out in (texts[name], tmp / f"{name}.docx"):
                subprocess.run([str(kh), "build", str(path), "-o", str(out), "-q"], cwd=ROOT, check=True,
                               stdin=subprocess.DEVNULL)
            docx_sizes[name] = (tmp / f"{name}.docx").stat().st_size

        # -------------------------------------------------------------- 1. whole commands
        progress(f"1. whole commands, {runs} runs each")
        t_pass = time_command([python, "-c", "pass"], runs)
        t_help = time_command([kh, "--help"], runs)
        t_kh: dict[str, Timing] = {}
        t_pandoc: dict[str, Timing | None] = {}
        for name, path in plans.items():
            progress(f"   {name}")
            t_kh[name] = time_command([kh, "build", path, "-o", tmp / f"{name}-kh.docx"], runs)
            t_pandoc[name] = (time_command([pandoc, "-f", "markdown", "-t", "docx", texts[name],
                                            "-o", tmp / f"{name}-pandoc.docx"], runs) if pandoc else None)

        rows = [
            ["`python -c pass`", fmt_s(t_pass.median), fmt_s(t_pass.min)],
            ["`kh --help`", fmt_s(t_help.median), fmt_s(t_help.min)],
        ]
        for name, path in plans.items():
            rows.append([f"`kh build {shown(path) if name != SYNTHETIC else SYNTHETIC + '.yaml'} -o X.docx`",
                         fmt_s(t_kh[name].median), fmt_s(t_kh[name].min)])
            tp = t_pandoc[name]
            rows.append([f"`pandoc -f markdown -t docx {name}.txt -o X.docx`",
                         fmt_s(tp.median if tp else None), fmt_s(tp.min if tp else None)])
        group1 = table(["command", "median (s)", "min (s)"], rows)

        ratio_rows = []
        example_ok: list[bool] = []
        for name in plans:
            tp = t_pandoc[name]
            ratio = t_kh[name].median / tp.median if tp else None
            ok = None if ratio is None else ratio <= AIM_BUILD_VS_PANDOC
            if name != SYNTHETIC and ok is not None:
                example_ok.append(ok)
            label = name if name != SYNTHETIC else f"{name} (synthetic, not an example)"
            ratio_rows.append([label, fmt_s(t_kh[name].median), fmt_s(tp.median if tp else None),
                               fmt_ratio(ratio), yes_no(ok)])
        ratios = table(["plan", "kh build median (s)", "pandoc median (s)", "kh / pandoc",
                        f"aim ≤ {AIM_BUILD_VS_PANDOC}× met"], ratio_rows)
        help_ratio = t_help.median / t_pass.median
        startup = table(["kh --help median (s)", "python -c pass median (s)", "kh --help / python -c pass",
                         f"aim ≤ {AIM_HELP_VS_PYTHON:g}× met"],
                        [[fmt_s(t_help.median), fmt_s(t_pass.median), fmt_ratio(help_ratio),
                          yes_no(help_ratio <= AIM_HELP_VS_PYTHON)]])
        build_verdict = ("n/a (pandoc not found)" if not example_ok else
                         "yes, for every example" if all(example_ok) else
                         f"**NO**: met for {sum(example_ok)} of {len(example_ok)} examples")
        sections.append(
            "## 1. Whole-command wall time\n\n"
            f"Median and minimum of {runs} runs after one warm-up (subprocess, `time.perf_counter`). "
            "pandoc converts the plain text that `kh build PLAN -o X.txt` writes, read as Markdown.\n\n"
            f"{group1}\n\n### kh build vs pandoc\n\n{ratios}\n\n"
            f"Aim \"kh build of an example ≤ {AIM_BUILD_VS_PANDOC}× pandoc\": {build_verdict}.\n\n"
            f"### Start-up\n\n{startup}\n\n"
            f"Aim \"kh --help ≤ {AIM_HELP_VS_PYTHON:g}× python -c pass\": "
            f"{yes_no(help_ratio <= AIM_HELP_VS_PYTHON)}.")

        # -------------------------------------------------------------- 2. in-process
        progress(f"2. in-process read_plan / render_docx, {runs} runs each")
        rows = []
        for name, path in plans.items():
            t_read = time_call(lambda p=path: read_plan(p), runs)
            plan = read_plan(path)
            t_render = time_call(lambda p=plan: render_docx(p), runs)
            rows.append([name, fmt_s(t_read.median), fmt_s(t_read.min), fmt_s(t_render.median),
                         fmt_s(t_render.min), fmt_s(t_read.median + t_render.median)])
        inproc = table(["plan", "read_plan median (s)", "read_plan min (s)", "render_docx median (s)",
                        "render_docx min (s)", "sum of medians (s)"], rows)

        progress("   import time")
        base_us = [importtime_us(python, "pass") for _ in range(runs)]
        build_us = [importtime_us(python, BUILD_IMPORTS) for _ in range(runs)]
        importtime_s = (statistics.median(build_us) - statistics.median(base_us)) / 1e6
        t_import = time_command([python, "-c", BUILD_IMPORTS], runs)
        t_pass2 = time_command([python, "-c", "pass"], runs)
        imports = table(["method", "median (s)"], [
            ["`-X importtime`: top-level cumulative sum, net of `-c pass`", fmt_s(importtime_s)],
            ["wall time of `python -c \"<imports>\"`", fmt_s(t_import.median)],
            ["wall time of `python -c pass`", fmt_s(t_pass2.median)],
            ["wall-time difference", fmt_s(t_import.median - t_pass2.median)],
        ])
        sections.append(
            "## 2. In-process times\n\n"
            f"Median and minimum of {runs} calls after one warm-up, in this process "
            "(`generator.readers.yaml_reader.read_plan(path)`, `generator.writers.docx_writer.render_docx(plan)`).\n\n"
            f"{inproc}\n\n### Import time of the modules a build needs\n\n"
            f"`{BUILD_IMPORTS}`, each in a fresh subprocess, median of {runs}.\n\n{imports}")

        # -------------------------------------------------------------- 3. the plans
        rows = []
        for name, path in plans.items():
            raw = path.read_bytes()
            n_sections = len(yaml.load(raw, Loader=_loader())["sections"])
            rows.append([name, f"{len(raw):,}", str(n_sections), f"{texts[name].stat().st_size:,}",
                         f"{docx_sizes[name]:,}"])
        plan_table = table(["plan", "YAML bytes", "top-level sections", ".txt bytes", "kh .docx bytes"], rows)
        sections.append(
            "## 3. Plans measured (synthetic 10× plan included)\n\n"
            f"`{SYNTHETIC}` is plans/quan3-2025.yaml loaded with PyYAML, its `sections` list repeated "
            f"{SYNTHETIC_FACTOR}× (deep copies, so no YAML aliases), written back with "
            "`yaml.safe_dump(allow_unicode=True, sort_keys=False)` beside a copy of plans/orgs/quan3.yaml "
            "(comments of the original are lost, hence fewer bytes than 10× the original).\n\n"
            f"{plan_table}")

        # -------------------------------------------------------------- 4. 1 MB YAML
        progress(f"4. parsing a ~1 MB plan, {runs} runs each")
        text = big.read_text(encoding="utf-8")
        c_loader = getattr(yaml, "CSafeLoader", None)
        t_safe = time_call(lambda: yaml.load(text, Loader=yaml.SafeLoader), runs)
        t_csafe = time_call(lambda: yaml.load(text, Loader=c_loader), runs) if c_loader else None
        t_parse = time_call(lambda: yamlsource.parse(text, big.name), runs)
        t_full = time_call(lambda: read_plan(big), runs)

        def row(label: str, t: Timing | None) -> list[str]:
            if t is None:
                return [label, "n/a", "n/a", "n/a"]
            return [label, fmt_s(t.median), fmt_s(t.min), fmt_ratio(t_safe.median / t.median)]

        yaml_table = table(["step", "median (s)", "min (s)", "speed vs SafeLoader"], [
            row("(a) `yaml.load(text, Loader=yaml.SafeLoader)`", t_safe),
            row("(b) `yaml.load(text, Loader=yaml.CSafeLoader)`", t_csafe),
            row("(c) `generator.readers.yamlsource.parse(text, name)`", t_parse),
            row("(d) `read_plan(path)` (parse, tidy, expand, validate)", t_full),
        ])
        sections.append(
            "## 4. YAML parsing of a ~1 MB plan\n\n"
            f"plans/quan3-2025.yaml with `sections` repeated {big_times}× → {len(text.encode()):,} bytes, "
            f"{text.count(chr(10)):,} lines. Median and minimum of {runs} calls after one warm-up.\n\n"
            f"{yaml_table}")

        # -------------------------------------------------------------- 5. task tables
        progress("5. task-table appendix: 100 to 5,000 rows")
        sections.append(task_table_section(tmp, kh, read_plan, render_docx))

    elapsed = time.perf_counter() - began
    info = table(["item", "value"], [[k, v] for k, v in machine_info(python, pandoc)])
    header = (
        "# kh benchmark results\n\n"
        f"- Date: {started_at.isoformat(timespec='seconds')}\n"
        f"- Command: `{command}` (from the project root)\n"
        f"- Runs per measurement: {runs} (after one warm-up); whole run took {elapsed:.0f} s\n\n"
        f"## Machine\n\n{info}")
    body = "\n\n".join([header, *sections]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(body, encoding="utf-8")
    print(body)
    progress(f"wrote {shown(args.out)} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
