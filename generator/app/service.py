"""The one build service behind ``kh build``, ``kh preview`` and ``kh watch``.

It reads a plan, renders it (.docx, .txt, or .pdf through one shared LibreOffice), knows which
files a build depended on (the plan, its organisation profile, its template, kh itself) and keeps
a small stamp file per output folder (``.kh-build.json``) so that a folder build only redoes the
plans whose inputs changed. Folder builds run in a process pool, one plan per task.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from ..core.errors import Problem
    from ..model.plan import Plan

#: Stamp file kept in each output folder: output name → inputs it was built from.
STAMP_NAME = ".kh-build.json"
_PACKAGE = Path(__file__).resolve().parent.parent   # the generator package
_ORG_LINE = re.compile(r"^org:[ \t]*['\"]?([^'\"#\s]+)", re.MULTILINE)


# ------------------------------------------------------------------ rendering
def render_with_inputs(plan_path: Path, fmt: str, template: Path | None = None,
                       plan: Plan | None = None, warnings: list[str] | None = None) -> tuple[bytes, list[Path]]:
    """Render a plan to .docx or .txt; also return the files the result depends on.

    ``plan``: the plan at ``plan_path`` when the caller has read it already (kh check);
    ``warnings``: the layout's warnings are appended to it (the render still succeeds).
    """
    if plan is None:
        from ..readers.yaml_reader import read_plan

        plan = read_plan(plan_path)
    from ..model.content import source_files

    # the CSV/.xlsx files tables read their rows from are inputs too: a changed one rebuilds (watch, folders)
    inputs = [Path(plan_path).resolve(), *org_candidates(plan_path), *map(Path, source_files(plan))]
    if fmt == "txt":
        from ..writers.text_writer import render_text

        return render_text(plan, warnings).encode("utf-8"), inputs
    from ..writers.docx_writer import render_docx, template_for

    used = Path(template) if template is not None else template_for(plan)
    data = render_docx(plan, used, warnings)
    return data, [*inputs, used.resolve()]


def org_candidates(plan_path: Path) -> list[Path]:
    """Profile files the plan's ``org: code`` may resolve to, in lookup order, up to the found one.

    Files that do not exist are listed too: creating one of them changes which profile is used.
    """
    from ..readers.yaml_reader import ORG_DIRS

    plan_path = Path(plan_path)
    try:
        match = _ORG_LINE.search(plan_path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
    if match is None:
        return []
    out = []
    for folder in ORG_DIRS:
        cand = (plan_path.parent / folder / f"{match.group(1)}.yaml").resolve()
        out.append(cand)
        if cand.is_file():
            break
    return out


# ------------------------------------------------------------------ up-to-date tracking
def kh_version() -> str:
    """kh's version plus a digest of its own code, so a changed kh rebuilds everything."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file, or None when it does not exist."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


class Stamps:
    """The stamp file of one output folder: which inputs each output was built from."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / STAMP_NAME
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict] = raw["outputs"] if isinstance(raw.get("outputs"), dict) else {}
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            self.entries = {}
        self.changed = False

    def fresh(self, out: Path, fmt: str, template: Path | None, version: str) -> bool:
        """True when ``out`` exists as written and no input changed since."""
        entry = self.entries.get(out.name)
        if not isinstance(entry, dict) or entry.get("kh") != version or entry.get("fmt") != fmt:
            return False
        if entry.get("template") != (str(Path(template).resolve()) if template else None):
            return False
        if entry.get("output") != file_digest(out):
            return False
        inputs = entry.get("inputs")
        return isinstance(inputs, dict) and all(file_digest(Path(p)) == d for p, d in inputs.items())

    def record(self, out: Path, fmt: str, template: Path | None, version: str,
               inputs: Iterable[Path], data: bytes) -> None:
        self.entries[out.name] = {
            "kh": version,
            "fmt": fmt,
            "template": str(Path(template).resolve()) if template else None,
            "inputs": {str(p): file_digest(p) for p in inputs},
            "output": hashlib.sha256(data).hexdigest(),
        }
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        from ..ooxml.package import write_atomic

        body = {"about": "kh: inputs each output was built from (delete to force a rebuild)",
                "outputs": dict(sorted(self.entries.items()))}
        write_atomic(self.path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        self.changed = False


# ------------------------------------------------------------------ batch building
@dataclass(frozen=True)
class Job:
    """One plan to build into one output file.

    ``allow_outside``: profiles and templates named in the plan may lie outside the plans folder
    (``kh --allow-outside``); None keeps the caller's setting (:mod:`generator.core.confine`).
    """

    plan: Path
    out: Path
    fmt: str
    template: Path | None = None
    allow_outside: bool | None = None


@dataclass
class Outcome:
    """What became of a job: ``data`` (bytes rendered) or ``error`` with its exit code.

    A job never prints (a worker's standard streams are the null device): what the reader warns
    about comes back in ``notes``, lines for stderr as the reader itself would print them.
    """

    job: Job
    data: bytes | None = None
    inputs: list[Path] = field(default_factory=list)
    error: str | None = None
    exit_code: int = 0
    warnings: list[str] = field(default_factory=list)   # layout warnings: printed, the build still succeeds
    notes: list[str] = field(default_factory=list)      # the reader's warnings, whole lines


def build_job(job: Job, plan: Plan | None = None) -> Outcome:
    """Render one job (in a worker process or in-process); errors are returned, not raised.

    ``plan``: the job's plan, when it has been read already.
    """
    import contextlib

    from ..core.confine import allowing_outside
    from ..core.errors import KhError

    said: list[str] = []
    read: list[Problem] = []    # the reader's warnings
    scope = contextlib.nullcontext() if job.allow_outside is None else allowing_outside(job.allow_outside)
    try:
        with scope:
            if plan is None:
                from ..readers.yaml_reader import read_plan

                plan = read_plan(job.plan, read)
            data, inputs = render_with_inputs(job.plan, "docx" if job.fmt == "pdf" else job.fmt, job.template, plan,
                                              said)
        outcome = Outcome(job, data, inputs, warnings=said)
    except KhError as exc:
        outcome = Outcome(job, error=str(exc), exit_code=exc.exit_code)
    except OSError as exc:
        outcome = Outcome(job, error=f"{job.plan}: không đọc được (cannot read): {exc.strerror or exc}", exit_code=1)
    except RecursionError:
        outcome = Outcome(job, error=f"{job.plan}: kế hoạch lồng quá sâu (plan nested too deeply)", exit_code=2)
    except Exception as exc:   # a bug in kh must not stop the other plans of a folder build
        import traceback

        where = traceback.extract_tb(exc.__traceback__)[-1]
        outcome = Outcome(job, error=f"{job.plan}: lỗi nội bộ của kh (internal error) {type(exc).__name__}: {exc}"
                                     f" [{Path(where.filename).name}:{where.lineno}]", exit_code=1)
    outcome.notes = [f"cảnh báo (warning): {problem.format()}" for problem in read]
    return outcome


def _warm_up() -> None:
    """Import what rendering needs, so forked workers start with it loaded."""
    from ..readers import yaml_reader  # noqa: F401
    from ..writers import docx_writer  # noqa: F401


def run_jobs(jobs: list[Job], workers: int | None = None) -> Iterator[Outcome]:
    """Render ``jobs`` (in parallel when there are several and more than one core), in their order.

    Workers (:mod:`.workers`) end with this process, even when it is killed, and never hold its
    standard streams: everything comes back as :class:`Outcome` values.
    """
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1 or len(jobs) < 3:
        for job in jobs:
            yield build_job(job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .workers import start_worker

    _warm_up()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                             initializer=start_worker, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(build_job, job) for job in jobs]
        try:
            for job, fut in zip(jobs, futures, strict=True):
                try:
                    yield fut.result()
                except BrokenProcessPool:   # a worker was killed (the OOM killer, a signal to it alone)
                    yield Outcome(job, error=f"{job.plan}: tiến trình dựng bị dừng giữa chừng (the worker process "
                                             "building it was killed)", exit_code=1)
        finally:
            for fut in futures:
                fut.cancel()


def convert_pdfs(outcomes: list[Outcome], note: Callable[[str], None] | None = None) -> None:
    """Replace the .docx bytes of successful PDF outcomes by PDF bytes, with one LibreOffice."""
    todo = [o for o in outcomes if o.data is not None and o.job.fmt == "pdf"]
    if not todo:
        return
    from ..core.errors import KhError
    from ..writers.pdf_writer import Converter

    with Converter(note=note) as conv:
        results = conv.convert_many([o.data for o in todo])   # type: ignore[misc]
    for outcome, result in zip(todo, results, strict=True):
        if isinstance(result, KhError):
            outcome.data, outcome.error, outcome.exit_code = None, f"{outcome.job.plan}: {result}", 1
        else:
            outcome.data = result


# ------------------------------------------------------------------ page images
def page_images(docx: bytes, prefix: Path, converter: object, *, dpi: int = 100,
                page: int | None = None) -> list[Path]:
    """PNG images ``<prefix>-<n>.png`` of a rendered .docx's pages, through ``converter`` (a pdf Converter)."""
    import tempfile

    from ..core.errors import KhError
    from ..writers.pdf_writer import pdf_pages, pdf_to_pngs

    pdf_bytes = converter.convert(docx)   # type: ignore[attr-defined]
    prefix.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kh-pdf-") as tmp:
        pdf = Path(tmp) / "plan.pdf"
        pdf.write_bytes(pdf_bytes)
        if page is not None:
            total = pdf_pages(pdf)
            if not 1 <= page <= total:
                raise KhError(f"không có trang {page}; tài liệu có {total} trang "
                              f"(no page {page}; the document has {total} pages)")
        return pdf_to_pngs(pdf, prefix, dpi=dpi, page=page)
