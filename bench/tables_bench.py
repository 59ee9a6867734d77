"""Benchmark a table in the body (issue 17): does a plan with a 500 … 4,000-row table build in time
that grows linearly with its rows?

Run from the project root:

    .venv/bin/python bench/tables_bench.py [--runs N] [--rows 500,1000,2000,4000] [--out bench/TABLES.md]

For each size, a plan whose one section holds a paragraph, a table of that many rows (five columns
and an automatic STT column, a group row every 50 rows, a cell merged downwards every 100 rows) and
a paragraph is written to a temporary folder; then, median of ``--runs``:

- in process, CPU time: read (YAML → model), layout, render (.docx bytes, layout included), as
  ``kh build`` does after start-up;
- wall-clock time of the whole command ``kh build plan.yaml -o X.docx`` (a fresh process each time).

Per-row times and a least-squares line (seconds = a + b × rows, with R²) say whether it is linear.
Writes the Markdown report to ``--out`` and prints it. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KH = str(ROOT / ".venv" / "bin" / "kh")

ORG = """\
name: Ủy ban nhân dân Quận 3
short_name: Ủy ban nhân dân quận
header: [ỦY BAN NHÂN DÂN, QUẬN 3]
symbol: UBND
place: Quận 3
units: {noi-vu: Phòng Nội vụ quận}
signers:
  hang: {authority: KT. CHỦ TỊCH, position: PHÓ CHỦ TỊCH, name: Phạm Thị Thúy Hằng}
"""


def plan_text(rows: int) -> str:
    """A plan whose one section holds a table of ``rows`` data rows (see the module's docstring)."""
    lines = []
    for i in range(1, rows + 1):
        if i % 50 == 1:
            lines.append(f"          - {{group: Nhóm nhiệm vụ {i // 50 + 1}}}")
        first = "{text: Đợt kiểm tra " + str(i) + ", rows: 2}" if i % 100 == 1 and i < rows else None
        if i % 100 == 2 and i > 1:
            lines.append(f"          - [Đơn vị số {i} của quận, Địa điểm làm việc {i}, Thành phần {i}, Ghi chú {i}]")
            continue
        lines.append(f"          - [{first or f'Ngày {i % 28 + 1}/6/2026'}, Đơn vị số {i} của quận,"
                     f" Địa điểm làm việc {i}, Thành phần {i}, Ghi chú {i}]")
    return ("org: q3\nyear: 2026\nsubject: Thử bảng lớn\nsections:\n  - title: Lịch kiểm tra\n    body:\n"
            "      - 'Đoàn kiểm tra làm việc theo lịch sau:'\n      - table:\n"
            "          columns: [Thời gian, Đơn vị, Địa điểm, Thành phần, Ghi chú]\n          stt: true\n"
            "          rows:\n" + "\n".join("  " + ln for ln in lines) + "\n"
            "      - Trường hợp thay đổi lịch, Trưởng đoàn thông báo trước.\n"
            "recipients: [Sở Nội vụ Thành phố]\nsigner: hang\n")


def median_of(runs: int, fn, clock=time.process_time) -> float:
    """Median time of ``runs`` calls of ``fn`` on ``clock`` (this process's CPU time by default: the
    machine is shared, and CPU time is what other users' load leaves alone)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def fit(xs: list[int], ys: list[float]) -> tuple[float, float, float]:
    """Least squares ``y = a + b x``: (a, b, R²)."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1 - ss_res / ss_tot if ss_tot else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", default="500,1000,2000,4000")
    parser.add_argument("--out", default=str(ROOT / "bench" / "TABLES.md"))
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]

    from generator.layout.blocks import layout
    from generator.readers.yaml_reader import read_plan
    from generator.writers.docx_writer import render_docx

    started = time.perf_counter()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "orgs").mkdir()
        (folder / "orgs" / "q3.yaml").write_text(ORG, encoding="utf-8")
        for rows in sizes:
            path = folder / f"bang-{rows}.yaml"
            path.write_text(plan_text(rows), encoding="utf-8")
            plan = read_plan(path, [])
            render_docx(plan)        # warm-up: templates, regexes
            read = median_of(args.runs, lambda p=path: read_plan(p, []))
            lay = median_of(args.runs, lambda p=plan: layout(p))
            render = median_of(args.runs, lambda p=plan: render_docx(p))
            gc.disable()            # the same with the cycle collector paused: the work itself
            try:
                quiet = median_of(args.runs, lambda p=path: render_docx(read_plan(p, [])))
            finally:
                gc.enable()
            out = folder / f"bang-{rows}.docx"
            command = median_of(args.runs, lambda p=path, o=out: subprocess.run(
                [KH, "build", str(p), "-o", str(o)], check=True, capture_output=True,
                env={**os.environ, "KH_SERVER": "off"}), clock=time.perf_counter)
            size = out.stat().st_size
            results.append((rows, read, lay, render, command, size, quiet))
            print(f"[bench] {rows} rows: read {read:.3f} s, layout {lay:.3f} s, render {render:.3f} s,"
                  f" command {command:.3f} s", file=sys.stderr, flush=True)

    xs = [r[0] for r in results]
    inproc = [r[1] + r[3] for r in results]
    a, b, r2 = fit(xs, inproc)
    ca, cb, cr2 = fit(xs, [r[4] for r in results])
    lines = [
        "# Tables in the body: build time against rows (issue 17)",
        "",
        f"- Date: {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}",
        f"- Command: `.venv/bin/python bench/tables_bench.py --runs {args.runs} --rows {args.rows}`"
        f" (whole run {time.perf_counter() - started:.0f} s)",
        f"- Machine: {os.cpu_count()} cores, load average at start {load:.2f}; {platform.system()}"
        f" {platform.release()}; Python {platform.python_version()}",
        "- Plan: one section with a paragraph, a table of N data rows (5 columns + automatic STT,"
        " a group row every 50 rows, a cell merged downwards every 100 rows), a paragraph.",
        "",
        "Median of the runs, in seconds. In process (CPU time of this process, which the shared"
        " machine's load leaves alone): read (YAML → model) and render (layout + .docx bytes; layout"
        " also shown alone), as `kh build` does after start-up. Command: wall-clock time of the whole"
        " `kh build plan.yaml -o X.docx` in a fresh process (start-up included; sensitive to the load).",
        "",
        "| rows | read | layout | render | read + render | per 1,000 rows | read + render, collector"
        " paused | `kh build` command | .docx bytes |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rows, read, lay, render, command, size, quiet in results:
        lines.append(f"| {rows:,} | {read:.3f} | {lay:.3f} | {render:.3f} | {read + render:.3f} |"
                     f" {(read + render) / rows * 1000:.3f} | {quiet:.3f} | {command:.3f} | {size:,} |")
    per_row = [(r[1] + r[3]) / r[0] for r in results]
    steps = [(lo[0], hi[0], (hi[1] + hi[3]) / (lo[1] + lo[3]), hi[6] / lo[6])
             for lo, hi in zip(results, results[1:], strict=False)]
    lines += [
        "",
        f"Least squares, in process: seconds = {a:.3f} + {b * 1000:.3f} × (rows / 1,000), R² = {r2:.4f};"
        f" command: {ca:.3f} + {cb * 1000:.3f} × (rows / 1,000), R² = {cr2:.4f}.",
        f"Time per row from {xs[0]:,} to {xs[-1]:,} rows: {per_row[0] * 1e3:.3f} → {per_row[-1] * 1e3:.3f} ms"
        f" ({per_row[-1] / per_row[0]:.2f}×).",
        "Each step (rows × k): time × " + "; ".join(
            f"{lo:,} → {hi:,} rows: {t:.2f} (collector paused: {q:.2f})" for lo, hi, t, q in steps) + ".",
        "",
        "Linear: " + ("yes — each step multiplies the time by about as much as the rows (at most"
                      f" {max(max(t, q) / (hi / lo) for lo, hi, t, q in steps):.2f}× that ratio)."
                      if all(max(t, q) <= 1.3 * hi / lo for lo, hi, t, q in steps) else
                      "yes for the work itself (collector paused: at most "
                      f"{max(q / (hi / lo) for lo, hi, t, q in steps):.2f}× the rows' ratio per step); with the"
                      " cycle collector on, larger heaps make it scan more per row (at most"
                      f" {max(t / (hi / lo) for lo, hi, t, q in steps):.2f}× per step)."
                      if all(q <= 1.3 * hi / lo for lo, hi, t, q in steps) else
                      "not clearly — see the steps above."),
        "",
    ]
    report = "\n".join(lines)
    Path(args.out).write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
