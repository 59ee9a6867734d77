"""The plan model: what a Kế hoạch says, validated, with no notion of Word or YAML.

Readers build a :class:`Plan`; writers consume it. Field descriptions are in Vietnamese
(with English) because they become the hover help of the JSON Schema in the editor.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator


def _as_list(value: Any) -> Any:
    """Accept one paragraph as a plain string, several as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _text_item(value: Any) -> Any:
    """A list item written as a bare string means {text: string}."""
    return {"text": value} if isinstance(value, str) else value


#: One or more paragraphs.
Paragraphs = Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=str | list[str])]


class KhModel(BaseModel):
    """Base: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=True)


# --------------------------------------------------------------------------- people
AUTHORITY_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q)\. \S")
_BAD_PREFIX = re.compile(r"^(T\s*/\s*M|K\s*/\s*T|T\s*/\s*L|TM|KT|TL|TUQ|Q)(?=[\s./]|$)(?!\. )")


class Signer(KhModel):
    """Người ký: quyền hạn, chức vụ, họ tên (ô 7a, 7b)."""

    authority: Paragraphs = Field(
        default_factory=list,
        description="Quyền hạn ký, IN HOA, ví dụ 'KT. CHỦ TỊCH' hoặc ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH']"
        " (signing authority lines). Bỏ trống khi người đứng đầu ký trực tiếp.",
    )
    position: str = Field(description="Chức vụ người ký, ví dụ 'PHÓ CHỦ TỊCH' (signer's position).")
    name: str = Field(description="Họ và tên người ký, ví dụ 'Phạm Thị Thúy Hằng' (signer's full name).")

    @field_validator("authority")
    @classmethod
    def _prefix(cls, lines: list[str]) -> list[str]:
        for line in lines:
            if _BAD_PREFIX.match(line) and not AUTHORITY_PREFIX.match(line):
                raise ValueError(
                    f"quyền hạn '{line}' phải viết TM., KT., TL., TUQ. hoặc Q. có dấu chấm"
                    " (authority prefix needs its dot, e.g. 'KT. CHỦ TỊCH')")
        return lines


class Unit(KhModel):
    """Một cơ quan, đơn vị trong hồ sơ tổ chức (a unit of the organisation profile)."""

    name: str = Field(description="Tên đơn vị, viết một cách thống nhất, ví dụ 'Phòng Nội vụ quận'.")
    request: bool = Field(
        default=False,
        description="true với cơ quan ngoài thẩm quyền (Quận ủy, Mặt trận...): được 'đề nghị', không 'giao'"
        " (bodies outside the issuer's authority are requested, not assigned).",
    )


def _unit_item(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


class Org(KhModel):
    """Hồ sơ tổ chức ban hành, dùng chung cho nhiều kế hoạch (organisation profile)."""

    name: str = Field(description="Tên đầy đủ dùng trong lời văn, ví dụ 'Ủy ban nhân dân Quận 3'.")
    short_name: str | None = Field(
        default=None, description="Tên gọi ngắn trong lời văn, ví dụ 'Ủy ban nhân dân quận'.")
    parent: Paragraphs = Field(
        default_factory=list,
        description="Tên cơ quan chủ quản (IN HOA, không đậm), mỗi dòng một phần tử; bỏ trống nếu không có.")
    header: Paragraphs = Field(
        description="Tên cơ quan ban hành ở tiêu đề, IN HOA, mỗi dòng một phần tử, ví dụ"
        " ['ỦY BAN NHÂN DÂN', 'QUẬN 3'] (issuing body as printed in the header).")
    symbol: str = Field(description="Chữ viết tắt tên cơ quan trong ký hiệu văn bản, ví dụ 'UBND' (KH-UBND).")
    place: str = Field(description="Địa danh ghi ở ô 4, ví dụ 'Quận 3', 'Thành phố Hồ Chí Minh'.")
    authority: str | None = Field(
        default=None,
        description="Thẩm quyền ban hành quyết định, ví dụ 'CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH'.")
    request_word: str = Field(
        default="Kính đề nghị",
        description="Lời đề nghị với cơ quan ngoài thẩm quyền: 'Kính đề nghị' hoặc 'Đề nghị'.")
    units: dict[str, Annotated[Unit, BeforeValidator(_unit_item, json_schema_input_type=str | Unit)]] = Field(
        default_factory=dict,
        description="Các đơn vị, theo mã ngắn: {noi-vu: 'Phòng Nội vụ quận', ...} (units by short key).")
    signers: dict[str, Signer] = Field(
        default_factory=dict, description="Người ký thường dùng, theo mã ngắn (usual signers by key).")
    template: str | None = Field(
        default=None, description="Mẫu .docx riêng của tổ chức (đường dẫn tương đối với tệp hồ sơ).")

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str) -> str:
        if not re.fullmatch(r"[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*", value):
            raise ValueError(f"ký hiệu '{value}' phải IN HOA, không dấu cách (e.g. 'UBND')")
        return value


# --------------------------------------------------------------------------- content
class DocRef(KhModel):
    """Một văn bản được viện dẫn: loại, số ký hiệu, ngày, cơ quan ban hành, trích yếu."""

    kind: str = Field(description="Loại văn bản, ví dụ 'Kế hoạch', 'Quyết định', 'Luật'.")
    number: str | None = Field(default=None, description="Số, ký hiệu, ví dụ '1895/KH-UBND'.")
    date: dt.date | None = Field(default=None, description="Ngày ban hành, dạng YYYY-MM-DD.")
    issuer: str | None = Field(
        default=None, description="Cơ quan, người ban hành, ví dụ 'Ủy ban nhân dân Thành phố'.")
    subject: str | None = Field(
        default=None, description="Trích yếu, viết sau chữ 'về', ví dụ 'thông tin, tuyên truyền ...'.")
    about: str = Field(
        default="về", description="Từ nối trước trích yếu: 'về' (mặc định), 'về việc', hoặc '' khi không cần.")

    @field_validator("number")
    @classmethod
    def _number(cls, value: str | None) -> str | None:
        if value is not None and " " in value.strip():
            raise ValueError(f"số, ký hiệu '{value}' không được có dấu cách (e.g. '1895/KH-UBND')")
        return value


class Basis(KhModel):
    """Căn cứ ban hành: một văn bản có cấu trúc, hoặc lời văn tự do (text)."""

    lead: Literal["Căn cứ", "Thực hiện", "Theo đề nghị của"] = Field(
        default="Căn cứ", description="Từ mở đầu: 'Căn cứ' (mặc định), 'Thực hiện' hoặc 'Theo đề nghị của'.")
    kind: str | None = Field(default=None, description="Loại văn bản, ví dụ 'Kế hoạch', 'Luật'.")
    number: str | None = Field(default=None, description="Số, ký hiệu, ví dụ '1895/KH-UBND'.")
    date: dt.date | None = Field(default=None, description="Ngày ban hành, dạng YYYY-MM-DD.")
    issuer: str | None = Field(default=None, description="Cơ quan ban hành, ví dụ 'Ủy ban nhân dân Thành phố'.")
    subject: str | None = Field(default=None, description="Trích yếu (viết sau 'về').")
    about: str = Field(default="về", description="Từ nối trước trích yếu: 'về', 'về việc' hoặc ''.")
    text: str | None = Field(
        default=None, description="Lời văn tự do khi căn cứ không theo mẫu (không cần ghi 'Căn cứ' và dấu ';').")

    @model_validator(mode="after")
    def _one_form(self) -> Basis:
        structured = any(v is not None for v in (self.kind, self.number, self.date, self.issuer, self.subject))
        if self.text is None and not structured:
            raise ValueError("căn cứ cần 'kind' (và số, ngày, cơ quan, trích yếu) hoặc 'text'")
        if self.text is not None and structured:
            raise ValueError("căn cứ chỉ dùng một cách viết: 'text' hoặc các trường kind/number/date/...")
        return self


class Bullet(KhModel):
    """Một gạch đầu dòng '-' (hoặc '+' khi lồng bên trong)."""

    text: Paragraphs = Field(description="Lời văn của gạch đầu dòng.")
    bullets: list[Annotated[Bullet, BeforeValidator(_text_item, json_schema_input_type=str | Bullet)]] = Field(
        default_factory=list, description="Các ý '+' bên dưới.")


BulletList = list[Annotated[Bullet, BeforeValidator(_text_item, json_schema_input_type=str | Bullet)]]


class Point(KhModel):
    """Một điểm a), b), c)... — chữ cái do kh đánh tự động."""

    text: Paragraphs = Field(description="Lời văn của điểm (đoạn đầu mang chữ cái).")
    bullets: BulletList = Field(default_factory=list, description="Các gạch đầu dòng '-' bên dưới.")


PointList = list[Annotated[Point, BeforeValidator(_text_item, json_schema_input_type=str | Point)]]


class Assignment(KhModel):
    """Nhiệm vụ của một (nhóm) đơn vị trong phần tổ chức thực hiện."""

    unit: Paragraphs = Field(
        description="Mã đơn vị trong hồ sơ tổ chức (hoặc đúng tên đơn vị); nhiều đơn vị thì ghi danh sách.")
    request: bool | None = Field(
        default=None, description="Ghi đè: true = 'Kính đề nghị ...' (mặc định lấy theo hồ sơ đơn vị).")
    text: Paragraphs = Field(default_factory=list, description="Đoạn văn không gạch đầu dòng.")
    tasks: BulletList = Field(default_factory=list, description="Các nhiệm vụ, mỗi nhiệm vụ một gạch đầu dòng.")


class Section(KhModel):
    """Một mục/khoản có số: I., II. ở cấp 1; 1., 2. ở cấp 2; 1.1. khi chọn numbering: decimal."""

    title: str | None = Field(
        default=None, description="Tiêu đề (in đậm; cấp 1 tự IN HOA). Bỏ trống thì số đứng đầu đoạn văn đầu tiên.")
    text: Paragraphs = Field(default_factory=list, description="Các đoạn văn ngay dưới tiêu đề.")
    sections: list[Section] = Field(default_factory=list, description="Các khoản con (1., 2. hoặc 1.1.).")
    points: PointList = Field(default_factory=list, description="Các điểm a), b), c)...")
    bullets: BulletList = Field(default_factory=list, description="Các gạch đầu dòng '-'.")
    assignments: list[Assignment] = Field(
        default_factory=list, description="Phân công: mỗi đơn vị một khoản (hoặc điểm) với các nhiệm vụ.")
    numbering: Literal["arabic", "decimal"] = Field(
        default="arabic", description="Đánh số khoản con: 'arabic' (1., 2.) hoặc 'decimal' (1.1., 1.2.).")

    @model_validator(mode="after")
    def _has_content(self) -> Section:
        if self.title is None and not self.text:
            raise ValueError("mục cần 'title' hoặc 'text' (a section needs a title or text)")
        kinds = [k for k in ("sections", "points", "bullets", "assignments") if getattr(self, k)]
        if len(kinds) > 1:
            raise ValueError(
                f"một mục chỉ chứa một loại danh sách, ở đây có {', '.join(kinds)}"
                " (one list kind per section: sections, points, bullets or assignments)")
        return self


class Plan(KhModel):
    """Một Kế hoạch: tệp YAML trong thư mục plans/."""

    org: str | Org = Field(
        description="Mã hồ sơ tổ chức (tệp orgs/<mã>.yaml cạnh kế hoạch) hoặc hồ sơ viết trực tiếp.")
    number: int | str | None = Field(
        default=None, description="Số văn bản, ví dụ 118. Bỏ trống khi là dự thảo: văn thư điền khi ban hành.")
    date: dt.date | None = Field(
        default=None, description="Ngày ban hành, YYYY-MM-DD. Bỏ trống khi là dự thảo (giữ chỗ trống ngày, tháng).")
    year: int | None = Field(
        default=None, description="Năm của kế hoạch, dùng trong lời văn như {{ year }}; mặc định là năm của 'date'.")
    subject: str = Field(
        description="Trích yếu nội dung, ví dụ 'Thông tin, tuyên truyền cải cách hành chính năm {{ year }}'.")
    attached_to: DocRef | None = Field(
        default=None,
        description="Kế hoạch ban hành kèm theo một quyết định: dòng '(Kèm theo Quyết định số ... ngày ... của ...)'.")
    bases: list[Basis] = Field(default_factory=list, description="Các căn cứ; kh tự thêm ';' và '.' cuối.")
    intro: Paragraphs = Field(
        default_factory=list, description="Câu dẫn sau căn cứ, ví dụ '... ban hành Kế hoạch ... như sau:'.")
    sections: list[Section] = Field(description="Các mục I., II., ... của kế hoạch.")
    closing: Paragraphs = Field(default_factory=list, description="Câu kết; kh thêm './.' vào cuối nội dung.")
    recipients: list[str] = Field(
        default_factory=list, description="Nơi nhận, mỗi dòng một nơi; kh thêm '- ' và ';'.")
    archive: str | None = Field(default=None, description="Dòng lưu, ví dụ 'VT, NV' → '- Lưu: VT, NV.'")
    signer: str | Signer | None = Field(
        default=None, description="Mã người ký trong hồ sơ tổ chức, hoặc người ký viết trực tiếp.")
    template: str | None = Field(
        default=None, description="Mẫu .docx riêng (đường dẫn tương đối với tệp kế hoạch).")
    variables: dict[str, Any] = Field(
        default_factory=dict, description="Biến tự đặt dùng trong lời văn: {{ variables.ten }}.")

    @field_validator("number")
    @classmethod
    def _number(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and value.strip() == "":
            return None
        if isinstance(value, str) and not value.isdigit():
            raise ValueError(f"số văn bản '{value}' chỉ gồm chữ số; ký hiệu KH-{'{'}cơ quan{'}'} do kh ghép")
        if isinstance(value, int) and value < 1:
            raise ValueError(f"số văn bản phải từ 1, không phải {value}")
        return value

    @field_validator("sections")
    @classmethod
    def _titled(cls, sections: list[Section]) -> list[Section]:
        for i, sec in enumerate(sections):
            if sec.title is None:
                raise ValueError(f"mục cấp I thứ {i + 1} (sections[{i}]) cần 'title'"
                                 " (a top-level section needs a title)")
        return sections

    @model_validator(mode="after")
    def _consistency(self) -> Plan:
        if self.year is None:
            if self.date is None:
                raise ValueError("cần 'year' khi chưa có 'date' (a draft needs its year)")
            self.year = self.date.year
        elif self.date is not None and self.date.year != self.year:
            raise ValueError(f"'date' {self.date.isoformat()} không thuộc năm {self.year} ('year')")
        if self.attached_to is None:
            if self.signer is None:
                raise ValueError("thiếu 'signer' (người ký)")
            if not self.recipients and self.archive is None:
                raise ValueError("thiếu 'recipients'/'archive' (Nơi nhận)")
        return self

    # Typed views once the reader has resolved the profile and the signer.
    @property
    def organisation(self) -> Org:
        assert isinstance(self.org, Org), "org profile not resolved"
        return self.org

    @property
    def signed_by(self) -> Signer | None:
        assert not isinstance(self.signer, str), "signer not resolved"
        return self.signer
