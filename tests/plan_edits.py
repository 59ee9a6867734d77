"""An edited copy of plans/quan3-2025.yaml ("next year's clone"), shared by the review tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (old text, new text) replaced exactly once each, in the clone `kh clone` made of plans/quan3-2025.yaml.
EDITS: list[tuple[str, str]] = [
    # a basis replaced by another, one reworded
    ("    number: 1895/KH-UBND\n    date: 2024-03-26", "    number: 210/KH-UBND\n    date: 2026-01-15"),
    ("  - kind: Kế hoạch\n    number: 92/KH-UBND\n    date: 2025-03-24\n    issuer: Ủy ban nhân dân Quận 3\n"
     "    subject: >-\n      khắc phục các hạn chế Chỉ số cải cách hành chính (PAR-Index) năm 2024 và giải pháp"
     " nâng cao chỉ số cải cách hành chính năm 2025 trên địa bàn Quận 3\n",
     "  - kind: Quyết định\n    number: 12/QĐ-UBND\n    date: 2026-01-05\n    issuer: Ủy ban nhân dân Quận 3\n"
     "    subject: ban hành Kế hoạch cải cách hành chính năm 2026\n"),
    # a paragraph: a typo fixed and words added
    ("tính hình triển khai và kết quả thực hiện CCHC", "tình hình triển khai và kết quả thực hiện cải cách hành chính"),
    # two points swapped (moved)
    ("          - >-\n            Tuyên truyền thông qua các hoạt động tham quan thực tế, báo cáo điển hình, học"
     " tập gương người tốt, việc tốt.\n"
     "          - >-\n            Thông qua việc tổ chức các hội thi, cuộc thi về tuyên truyền, thực hiện công tác"
     " cải cách hành chính.\n",
     "          - >-\n            Thông qua việc tổ chức các hội thi, cuộc thi về tuyên truyền, thực hiện công tác"
     " cải cách hành chính.\n"
     "          - >-\n            Tuyên truyền thông qua các hoạt động tham quan thực tế, báo cáo điển hình, học"
     " tập gương người tốt, việc tốt.\n"),
    # a task reassigned from Văn phòng to Phòng Văn hóa, Khoa học và Thông tin
    ("          - >-\n            Tiếp nhận, xử lý, phản hồi kịp thời, hiệu quả phản ánh kiến nghị của người dân,"
     " doanh nghiệp trên các kênh tiếp nhận của thành phố 1022, Cổng Dịch vụ công quốc"
     " gia và trên trang thông tin điện tử của quận.\n", ""),
    (" nội dung tuyên truyền cải cách hành chính đa dạng, nhiều hình thức.\n",
     " nội dung tuyên truyền cải cách hành chính đa dạng, nhiều hình thức.\n"
     "          - >-\n            Tiếp nhận, xử lý, phản hồi kịp thời, hiệu quả phản ánh kiến nghị của người dân,"
     " doanh nghiệp trên các kênh tiếp nhận của thành phố 1022, Cổng Dịch vụ công quốc"
     " gia và trên trang thông tin điện tử của quận.\n"),
    # recipients: one removed, one added
    ("  - TT. QU Q.3\n", ""),
    ("  - Sở Khoa học và Công nghệ Thành phố\n",
     "  - Sở Khoa học và Công nghệ Thành phố\n  - Sở Văn hóa và Thể thao Thành phố\n"),
]


def make_clone(folder: Path, name: str = "quan3-2026.yaml", edits: bool = True) -> tuple[Path, Path]:
    """Copy the example plans (with orgs/) into ``folder``, ``kh clone`` quan3-2025 into next year's
    draft ``name`` and (``edits``) change it in the places of :data:`EDITS`. Returns (old, new)."""
    shutil.copytree(ROOT / "plans", folder, dirs_exist_ok=True)
    old, new = folder / "quan3-2025.yaml", folder / name
    proc = subprocess.run([sys.executable, "-m", "generator", "clone", str(old), str(new)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    if edits:
        text = new.read_text(encoding="utf-8")
        for before, after in EDITS:
            assert text.count(before) == 1, f"edit target not found exactly once: {before[:60]!r}"
            text = text.replace(before, after)
        new.write_text(text, encoding="utf-8")
    return old, new
