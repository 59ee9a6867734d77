"""Findings of a check and the report of one file, in Vietnamese with English alongside."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .fixes import Fix
from .rules import BY_ID, KINDS, KINDS_EN


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing found wrong, Vietnamese and English, and the fix that keeps every word (if any)."""

    vi: str
    en: str
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def text(self) -> str:
        return f"{self.vi} ({self.en})"


@dataclass(frozen=True)
class Finding:
    """A rule broken at one place of the document."""

    rule: str
    severity: str
    message: str              # what was found, "vi (en); vi (en)"
    where: str                # "trang 2, đoạn 14 'Căn cứ ...'" or "phần (section) 1"
    page: int | None
    paragraph: int | None
    expected: str             # what the decree asks (Vietnamese, the rule's requirement)
    place: str                # the decree's place
    fixable: bool
    document: int = 0         # which document of the file (a Quyết định and the plan it issues: 0, 1)
    issues: tuple[Issue, ...] = ()    # what ``message`` is made of, each with its fix (if any)
    #: The paragraph (``facts.Para``) the finding is about; None for a section or the whole file.
    para: Any = field(default=None, compare=False, repr=False)
    #: The body paragraph a comment about it is anchored on (``para`` itself when it is in the body).
    anchor: Any = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("para", "anchor", "issues")}
        out["issues"] = [asdict(i) for i in self.issues]
        rule = BY_ID.get(self.rule)
        out["expected_en"] = rule.requirement_en if rule else ""
        return out


@dataclass
class Report:
    """The result of checking one file."""

    path: str
    kind: str | None
    kinds: list[str | None] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rules_checked: int = 0
    rules: list[str] = field(default_factory=list)
    pages: int | None = None
    paragraphs: int = 0

    @property
    def kind_name(self) -> str:
        if self.kind is None:
            return "không xác định (unknown)"
        return f"{KINDS[self.kind]} ({KINDS_EN[self.kind]})"

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    def failed_rules(self) -> list[str]:
        return list(dict.fromkeys(f.rule for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "kinds": self.kinds, "kind_name": self.kind_name,
                "pages": self.pages, "paragraphs": self.paragraphs, "rules_checked": self.rules_checked,
                "rules": self.rules, "failed_rules": self.failed_rules(), "errors": self.errors,
                "warnings": self.warnings, "findings": [f.to_dict() for f in self.findings]}
