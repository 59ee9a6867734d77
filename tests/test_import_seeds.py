"""kh import on the real plans in ../shared/seeds (plain-text exports, copied in tests/fixtures/seeds):
each imports into a plan that validates and builds; header fields, the number of bases, the section
headings and the recipients match what the seed text says (read here with simple patterns of its own,
not the importer's)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from generator.lang.typography import upper_vi
from generator.readers.yaml_reader import read_plan

from .conftest import SEEDS, nd30check, run_kh

SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


def seed_facts(text: str) -> dict:
    """What a reader of the seed sees: number, date, bases, Roman headings, recipients."""
    num = re.search(r"^Số:\s*(\d+)\s*/(KH|QĐ)-", text, re.M) or re.search(r"kèm theo Kế hoạch số (?:~~)?(\d+)", text)
    date = re.search(r"^[^\n,]+, ngày (\d+) tháng (\d+) năm (\d{4})$", text, re.M) or \
        re.search(r"Kế hoạch số \S+ /KH-UBND ngày (\d+) tháng (\d+) năm (\d{4})", text)
    plan_part = text[re.search(r"^KẾ HOẠCH$", text, re.M).start():]
    plan_part = plan_part[: plan_part.find("\nNơi nhận:")]
    front = text[: re.search(r"^I\. ", text, re.M).start()]
    bases = re.findall(r"^\**(?:Căn cứ|Thực hiện|Theo đề nghị của) ", front, re.M)
    headings = [re.sub(r":.*$", "", h).rstrip(",").strip() for h in re.findall(r"^[IVX]+\. (.+)$", plan_part, re.M)]
    blocks = re.findall(r"^Nơi nhận:\n\n?((?:- .*\n?)+)", text, re.M)
    recipients = [[re.sub(r"[;.]$", "", line[2:]).strip() for line in block.strip().split("\n")
                   if not line.startswith("- Lưu")] for block in blocks]
    return {"number": int(num.group(1)), "date": dt.date(int(date.group(3)), int(date.group(2)), int(date.group(1))),
            "bases": len(bases), "headings": headings, "recipients": recipients}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    out = {}
    for name in SEED_FILES:
        folder = tmp_path_factory.mktemp(name.split("_")[0])
        proc = run_kh("import", str(SEEDS / name), "-o", str(folder / "plan.yaml"), "--report", "json")
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
        out[name] = (folder, json.loads(proc.stdout))
    return out


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_imports_into_a_plan_that_builds(name: str, seeds: dict[str, tuple[Path, dict]]) -> None:
    folder, report = seeds[name]
    read_plan(folder / "plan.yaml")
    proc = run_kh("build", str(folder / "plan.yaml"), "-o", str(folder / "plan.docx"))
    assert proc.returncode == 0, proc.stderr
    result = nd30check(folder / "plan.docx")
    assert not result.unexpected_failures(), result.output
    assert report["placed_share"] > 0.95, report["unplaced"]


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_fields_match_the_seed(name: str, seeds: dict[str, tuple[Path, dict]]) -> None:
    folder, _ = seeds[name]
    facts = seed_facts((SEEDS / name).read_text(encoding="utf-8"))
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    decision = plan.get("decision")
    header = decision or plan
    assert header["number"] == facts["number"]
    assert header["date"] == facts["date"]
    bases = (decision["bases"] if decision else []) + plan.get("bases", [])
    assert len(bases) == facts["bases"]
    assert [upper_vi(s["title"]) for s in plan["sections"]] == facts["headings"]
    recipients = [decision["recipients"]] if decision else [plan["recipients"]]
    assert recipients == facts["recipients"]
