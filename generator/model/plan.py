"""The plan model: what a Kế hoạch says, validated, with no notion of Word or YAML.

Readers build a :class:`Plan`; writers consume it. Field descriptions are in Vietnamese
(with English) because they become the hover help of the JSON Schema in the editor. A field that
holds a code, plain text or the user's own data says so with ``Annotated[..., CODE]`` (``PLAIN``,
``VERBATIM``; unmarked: prose): see :mod:`generator.model.fields`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..core.errors import did_you_mean
from ..lang.vnwords import format_amount
from .base import KhModel, Paragraphs
from .doc_kinds import DEFAULT_KIND, KINDS, OPTIONAL_PARTS, KindName, TopNumbering, kinds_with
from .fields import CODE, PLAIN, VERBATIM
from .tables import GroupRow, HeaderCell, SourceFile, Table, TableCell, TableColumn

#: The table models are named here too: every model of a plan can be looked up by its name in this
#: module (the reader's validation and the tests do).
TABLE_MODELS = (GroupRow, HeaderCell, SourceFile, Table, TableCell, TableColumn)


def _text_item(value: Any) -> Any:
    """A list item written as a bare string means {text: string}."""
    return {"text": value} if isinstance(value, str) else value


#: Years a plan may be dated in (document dates, {{ year }}, timings).
MIN_YEAR, MAX_YEAR = 1900, 2999
#: Largest sum of money written in a budget (đồng).
MAX_AMOUNT = 10**15
#: Largest number of a plan or decision (nine digits).
MAX_DOC_NUMBER = 10**9 - 1


# --------------------------------------------------------------------------- people
AUTHORITY_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q)\. \S")
_BAD_PREFIX = re.compile(r"^(T\s*/\s*M|K\s*/\s*T|T\s*/\s*L|TM|KT|TL|TUQ|Q)(?=[\s./]|$)(?!\. )")


class Signer(KhModel):
    """Người ký: quyền hạn, chức vụ, họ tên (ô 7a, 7b)."""

    authority: Annotated[Paragraphs, PLAIN] = Field(
        default_factory=list,
        description="Quyền hạn ký, IN HOA, ví dụ 'KT. CHỦ TỊCH' hoặc ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH']"
        " (signing authority lines). Bỏ trống khi người đứng đầu ký trực tiếp.",
    )
    position: Annotated[str, PLAIN] = Field(description="Chức vụ người ký, ví dụ 'PHÓ CHỦ TỊCH' (signer's position).")
    name: Annotated[str, PLAIN] = Field(
        description="Họ và tên người ký, ví dụ 'Phạm Thị Thúy Hằng' (signer's full name).")

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

    name: Annotated[str, PLAIN] = Field(description="Tên đầy đủ dùng trong lời văn, ví dụ 'Ủy ban nhân dân Quận 3'.")
    short_name: Annotated[str | None, PLAIN] = Field(
        default=None, description="Tên gọi ngắn trong lời văn, ví dụ 'Ủy ban nhân dân quận'.")
    parent: Annotated[Paragraphs, PLAIN] = Field(
        default_factory=list,
        description="Tên cơ quan chủ quản (IN HOA, không đậm), mỗi dòng một phần tử; bỏ trống nếu không có.")
    header: Annotated[Paragraphs, PLAIN] = Field(
        description="Tên cơ quan ban hành ở tiêu đề, IN HOA, mỗi dòng một phần tử, ví dụ"
        " ['ỦY BAN NHÂN DÂN', 'QUẬN 3'] (issuing body as printed in the header).")
    symbol: Annotated[str, CODE] = Field(
        description="Chữ viết tắt tên cơ quan trong ký hiệu văn bản, ví dụ 'UBND' (KH-UBND).")
    place: Annotated[str, PLAIN] = Field(description="Địa danh ghi ở ô 4, ví dụ 'Quận 3', 'Thành phố Hồ Chí Minh'.")
    authority: Annotated[str | None, PLAIN] = Field(
        default=None,
        description="Thẩm quyền ban hành quyết định, ví dụ 'CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH'.")
    request_word: Annotated[str, PLAIN] = Field(
        default="Kính đề nghị",
        description="Lời đề nghị với cơ quan ngoài thẩm quyền: 'Kính đề nghị' hoặc 'Đề nghị'.")
    units: dict[str, Annotated[Unit, BeforeValidator(_unit_item, json_schema_input_type=str | Unit)]] = Field(
        default_factory=dict,
        description="Các đơn vị, theo mã ngắn: {noi-vu: 'Phòng Nội vụ quận', ...} (units by short key).")
    signers: dict[str, Signer] = Field(
        default_factory=dict, description="Người ký thường dùng, theo mã ngắn (usual signers by key).")
    template: Annotated[str | None, CODE] = Field(
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

    kind: Annotated[str, PLAIN] = Field(description="Loại văn bản, ví dụ 'Kế hoạch', 'Quyết định', 'Luật'.")
    number: Annotated[str | None, PLAIN] = Field(default=None, description="Số, ký hiệu, ví dụ '1895/KH-UBND'.")
    date: dt.date | None = Field(default=None, description="Ngày ban hành, dạng YYYY-MM-DD.")
    issuer: Annotated[str | None, PLAIN] = Field(
        default=None, description="Cơ quan, người ban hành, ví dụ 'Ủy ban nhân dân Thành phố'.")
    subject: Annotated[str | None, PLAIN] = Field(
        default=None, description="Trích yếu, viết sau chữ 'về', ví dụ 'thông tin, tuyên truyền ...'.")
    about: Annotated[str, PLAIN] = Field(
        default="về", description="Từ nối trước trích yếu: 'về' (mặc định), 'về việc', hoặc '' khi không cần.")

    @field_validator("number")
    @classmethod
    def _number(cls, value: str | None) -> str | None:
        if value is not None and " " in value.strip():
            raise ValueError(f"số, ký hiệu '{value}' không được có dấu cách (e.g. '1895/KH-UBND')")
        return value


_PRINTED_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _printed_date(value: Any) -> Any:
    """A date written as the source printed it ("24/01/2025") → that date; other values pass."""
    if isinstance(value, str):
        m = _PRINTED_DATE.match(value.strip())
        if m:
            day, month, year = (int(g) for g in m.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"ngày '{value}' không có thật (no such date); viết ngày/tháng/năm,"
                                 " ví dụ '24/01/2025'") from None
    return value


#: A date in ISO form (2025-01-24), or as printed in the cited document (24/01/2025).
PrintedDate = Annotated[dt.date | None, BeforeValidator(
    _printed_date, json_schema_input_type=dt.date | Annotated[str, Field(pattern=_PRINTED_DATE.pattern)] | None)]


class Basis(KhModel):
    """Căn cứ ban hành: một văn bản có cấu trúc, hoặc lời văn tự do (text)."""

    lead: Annotated[Literal["Căn cứ", "Thực hiện", "Theo đề nghị của"], CODE] = Field(
        default="Căn cứ", description="Từ mở đầu: 'Căn cứ' (mặc định), 'Thực hiện' hoặc 'Theo đề nghị của'.")
    kind: str | None = Field(default=None, description="Loại văn bản, ví dụ 'Kế hoạch', 'Luật'.")
    number: str | None = Field(default=None, description="Số, ký hiệu, ví dụ '1895/KH-UBND'.")
    date: PrintedDate = Field(
        default=None,
        description="Ngày ban hành: YYYY-MM-DD → 'ngày 24 tháng 01 năm 2025'; hoặc viết như văn bản gốc in,"
        " '24/01/2025' → giữ nguyên 'ngày 24/01/2025' (date as words, or as printed in the source).")
    issuer: str | None = Field(default=None, description="Cơ quan ban hành, ví dụ 'Ủy ban nhân dân Thành phố'.")
    subject: str | None = Field(default=None, description="Trích yếu (viết sau 'về').")
    about: str = Field(default="về", description="Từ nối trước trích yếu: 'về', 'về việc' hoặc ''.")
    text: str | None = Field(
        default=None, description="Lời văn tự do khi căn cứ không theo mẫu (không cần ghi 'Căn cứ' và dấu ';').")
    with_intro: bool = Field(
        default=False,
        description="true: viết liền với câu dẫn (intro) thành một đoạn: 'Thực hiện Kế hoạch số ...; Ủy ban"
        " nhân dân phường ... như sau:' (joined with the lead-in into one paragraph; must be the last bases).")
    _printed: str | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_printed(cls, data: Any, handler: Any) -> Basis:
        printed = data.get("date") if isinstance(data, dict) else None
        basis = handler(data)
        if isinstance(printed, str) and _PRINTED_DATE.match(printed.strip()):
            basis._printed = printed.strip()
        return basis

    @property
    def printed_date(self) -> str | None:
        """The date as the plan wrote it in d/m/yyyy form, when it did ("24/01/2025")."""
        return self._printed

    @model_validator(mode="after")
    def _one_form(self) -> Basis:
        structured = any(v is not None for v in (self.kind, self.number, self.date, self.issuer, self.subject))
        if self.text is None and not structured:
            raise ValueError("căn cứ cần 'kind' (và số, ngày, cơ quan, trích yếu) hoặc 'text'"
                             " (a basis needs kind/number/date/... or text)")
        if self.text is not None and structured:
            raise ValueError("căn cứ chỉ dùng một cách viết: 'text' hoặc các trường kind/number/date/..."
                             " (either text or kind/number/date/..., not both)")
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

    unit: Annotated[Paragraphs, CODE] = Field(
        description="Mã đơn vị trong hồ sơ tổ chức (hoặc đúng tên đơn vị); nhiều đơn vị thì ghi danh sách.")
    request: bool | None = Field(
        default=None, description="Ghi đè: true = 'Kính đề nghị ...' (mặc định lấy theo hồ sơ đơn vị).")
    text: Paragraphs = Field(default_factory=list, description="Đoạn văn không gạch đầu dòng.")
    tasks: BulletList = Field(default_factory=list, description="Các nhiệm vụ, mỗi nhiệm vụ một gạch đầu dòng.")


class Timing(KhModel):
    """Thời gian thực hiện có cấu trúc, để kh viết đúng và bản sao năm sau tự đổi năm."""

    quarter: int | None = Field(default=None, ge=1, le=4, description="Quý 1-4 → 'Quý I/2021'.")
    month: int | None = Field(default=None, ge=1, le=12, description="Tháng → 'Tháng 02/2021'.")
    date: dt.date | None = Field(default=None, description="Ngày cụ thể → '27/02/2021'.")
    before: dt.date | None = Field(default=None, description="Hạn chót → 'Trước ngày 27/02/2021'.")
    year: int | None = Field(default=None, ge=MIN_YEAR, le=MAX_YEAR,
                             description="Năm của quý/tháng; mặc định là năm của kế hoạch.")

    @model_validator(mode="after")
    def _one(self) -> Timing:
        given = [k for k in ("quarter", "month", "date", "before") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("thời gian cần đúng một trong: quarter, month, date, before"
                             f" (exactly one of them), ở đây có: {', '.join(given) or 'không có'}")
        return self


def _timing_list(value: Any) -> Any:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


TimingList = Annotated[list[str | Timing], BeforeValidator(
    _timing_list, json_schema_input_type=str | Timing | list[str | Timing])]


class Task(KhModel):
    """Một nhiệm vụ: viết một lần, dùng cho bảng phụ lục và (khi muốn) cho phần phân công."""

    task: Paragraphs = Field(min_length=1, description="Nội dung công việc.")
    lead: Annotated[Paragraphs, CODE] = Field(description="Đơn vị chủ trì: mã đơn vị trong hồ sơ (một hoặc danh sách).")
    support: Annotated[Paragraphs, CODE] = Field(
        default_factory=list, description="Đơn vị phối hợp: mã đơn vị (một hoặc danh sách).")
    timing: TimingList = Field(
        default_factory=list,
        description="Thời gian: lời văn ('Thường xuyên', 'Quý I/2021') hoặc {quarter|month|date|before: ...}.")
    product: Paragraphs = Field(default_factory=list, description="Dự kiến sản phẩm (một hoặc nhiều dòng).")
    extra: dict[str, Paragraphs] = Field(
        default_factory=dict,
        description="Ô của các cột thêm trong bảng nhiệm vụ, theo 'key' của cột: {ghi-chu: ..., theo-doi: ...}"
        " (cells of the task table's extra columns, by column key).")


class TaskGroup(KhModel):
    """Một nhóm nhiệm vụ: dòng tiêu đề gộp ô trong bảng ('I. ĐỐI VỚI ...'); STT đánh lại từ 1."""

    group: Annotated[str | None, PLAIN] = Field(default=None, description="Tên nhóm (kh IN HOA và đánh số La Mã).")
    tasks: list[Task] = Field(description="Các nhiệm vụ của nhóm.")


#: The task table's own columns, in their default order.
TASK_KEYS = ("stt", "task", "lead", "support", "timing", "product")


class Column(KhModel):
    """Một cột của bảng nhiệm vụ."""

    key: Annotated[Literal["stt", "task", "lead", "support", "timing", "product"] | str, CODE] = Field(
        description="Dữ liệu của cột: stt, task, lead, support, timing, product; hoặc một cột thêm, lấy từ"
        " 'extra' của mỗi nhiệm vụ, ví dụ {key: ghi-chu, header: Ghi chú} (an extra column).")
    header: Annotated[str | None, PLAIN] = Field(default=None, description="Tiêu đề cột (mặc định theo mẫu).")
    width: float | None = Field(default=None, gt=0, le=100, allow_inf_nan=False,
                                description="Độ rộng, cm (mặc định chia theo tỷ lệ chuẩn).")


class BudgetItem(KhModel):
    """Một dòng dự toán kinh phí."""

    item: str = Field(description="Nội dung chi.")
    unit: Annotated[str | None, PLAIN] = Field(default=None, description="Đơn vị tính, ví dụ 'Cuộc', 'Tờ'.")
    quantity: float | None = Field(default=None, ge=0, le=10**9, allow_inf_nan=False, description="Số lượng.")
    price: int | None = Field(default=None, ge=0, le=MAX_AMOUNT, description="Đơn giá (đồng).")
    amount: int | None = Field(
        default=None, ge=0, le=MAX_AMOUNT, description="Thành tiền (đồng); bỏ trống để kh tính = số lượng × đơn giá.")

    @model_validator(mode="after")
    def _amount(self) -> BudgetItem:
        if self.amount is None:
            if self.quantity is None or self.price is None:
                raise ValueError("cần 'amount' hoặc cả 'quantity' và 'price' (need an amount or quantity × price)")
            value = self.quantity * self.price
            if value > MAX_AMOUNT:
                raise ValueError(f"thành tiền {value:g} quá lớn, tối đa {format_amount(MAX_AMOUNT)}"
                                 + " (amount too large)")
            if value != int(value):
                raise ValueError(f"thành tiền {value} không phải số đồng nguyên; ghi rõ 'amount'"
                                 " (not a whole amount: write amount)")
            self.amount = int(value)
        elif self.quantity is not None and self.price is not None and self.quantity * self.price != self.amount:
            raise ValueError(f"thành tiền {self.amount} khác số lượng × đơn giá = {self.quantity * self.price:g}"
                             " (amount differs from quantity × price)")
        return self


class Appendix(KhModel):
    """Một phụ lục: bảng nhiệm vụ (tasks), mẫu báo cáo, dự toán, nội dung (content) hoặc một bảng (table)."""

    type: Annotated[Literal["tasks", "report", "budget", "content", "table"], CODE] = Field(
        description="tasks: bảng nhiệm vụ từ 'tasks' của kế hoạch; report: mẫu báo cáo; budget: dự toán;"
        " content: nội dung viết như phần nội dung ('body'); table: một bảng ('table').")
    title: Annotated[str, PLAIN] = Field(description="Tên phụ lục (kh IN HOA).")
    landscape: bool = Field(default=False, description="Trang ngang cho bảng rộng (landscape section).")
    placement: Annotated[Literal["own_pages", "after_signature"], CODE] = Field(
        default="own_pages",
        description="own_pages (mặc định): phụ lục sang trang riêng, đánh số trang riêng (Nghị định 30);"
        " after_signature: in ngay sau chữ ký, liền mạch với văn bản (printed right after the signature).")
    text: Paragraphs = Field(default_factory=list, description="Đoạn văn trước bảng.")
    body: list[BodyItem] = Field(
        default_factory=list,
        description="content: các khối theo thứ tự viết — đoạn văn, mục (I., 1., a) như phần nội dung), bảng,"
        " gạch đầu dòng, ghi chú (blocks in the order written).")
    table: Table | None = Field(default=None, description="table: bảng của phụ lục (the appendix's table).")
    notes: Paragraphs = Field(default_factory=list, description="Ghi chú dưới bảng.")
    columns: list[Column] | None = Field(
        default=None,
        description="tasks: các cột và độ rộng; mặc định STT / Nội dung / chủ trì / phối hợp / thời gian / sản phẩm.")
    numbers: bool = Field(
        default=False, description="tasks: dòng số thứ tự cột '(1) (2) (3) …' dưới tiêu đề (column-number row).")
    topics: list[str] = Field(default_factory=list, description="report: các dòng nội dung ở cột đầu.")
    fields: Annotated[list[str], PLAIN] = Field(
        default_factory=list, description="report: tiêu đề các cột để đơn vị điền, ví dụ ['Kết quả', 'Ghi chú'].")
    topic_header: Annotated[str, PLAIN] = Field(default="Nội dung", description="report: tiêu đề cột đầu.")
    stt: bool = Field(
        default=True,
        description="report: false = không có cột STT, các dòng đánh số '1.', '2.' ngay trong cột nội dung"
        " (no STT column; topics numbered inside their column).")
    unit_line: Annotated[Literal["below", "above", "none"], CODE] = Field(
        default="below",
        description="report: dòng 'Tên đơn vị: ...' dưới tên mẫu (below), trên tên mẫu (above) hoặc không in"
        " (none).")
    heading: Annotated[str | None, PLAIN] = Field(
        default=None,
        description="report: tên loại in riêng một dòng trên tên mẫu, ví dụ 'Báo cáo' → 'BÁO CÁO' / tên mẫu"
        " (tên mẫu giữ nguyên chữ hoa, chữ thường) (two-line title).")
    label: bool = Field(
        default=True,
        description="false: không in nhãn 'Phụ lục' (mẫu báo cáo gửi kèm); phụ lục này không tính vào"
        " số thứ tự Phụ lục I, II (no 'Phụ lục' label, not counted).")
    items: list[BudgetItem] = Field(default_factory=list, description="budget: các dòng dự toán.")

    @field_validator("body")
    @classmethod
    def _body_items(cls, body: list[str | Section]) -> list[str | Section]:
        return _body_checked(body, top=True)

    @model_validator(mode="after")
    def _fits_type(self) -> Appendix:
        if self.type == "report" and not (self.topics and self.fields):
            raise ValueError("mẫu báo cáo cần 'topics' (dòng) và 'fields' (cột để điền)"
                             " (a report form needs topics and fields)")
        if self.type == "budget" and not self.items:
            raise ValueError("dự toán cần 'items' (a budget needs items)")
        if self.type == "content" and not self.body:
            raise ValueError("phụ lục type: content cần 'body' (các đoạn văn, mục, bảng) (a content appendix"
                             " needs body)")
        if self.type == "table" and self.table is None:
            raise ValueError("phụ lục type: table cần 'table' (a table appendix needs table)")
        for key, kind in (("body", "content"), ("table", "table")):
            if key in self.model_fields_set and self.type != kind:
                _fail_at((key,), None, f"'{key}' chỉ dùng cho phụ lục type: {kind} ({kind} appendices only)")
        if self.type != "tasks" and self.columns is not None:
            raise ValueError("'columns' chỉ dùng cho phụ lục type: tasks (task tables only)")
        if self.type != "tasks" and "numbers" in self.model_fields_set:
            _fail_at(("numbers",), self.numbers, "'numbers' chỉ dùng cho phụ lục type: tasks; bảng viết tay ghi"
                     " 'numbers' trong 'table' (task tables only)")
        if self.type != "report":
            used = [k for k in ("stt", "unit_line", "heading") if k in self.model_fields_set]
            if used:
                raise ValueError(f"'{used[0]}' chỉ dùng cho phụ lục type: report (report forms only)")
        if self.unit_line == "above" and self.label:
            raise ValueError("'unit_line: above' dùng với 'label: false' (mẫu báo cáo không nhãn 'Phụ lục'):"
                             " nhãn 'Phụ lục' phải đứng đầu trang (the label must open the page)")
        if self.placement == "after_signature" and self.is_landscape:
            _fail_at(("placement",), self.placement,
                     "phụ lục in ngay sau chữ ký nằm trên cùng trang dọc với văn bản, không thể nằm ngang; bỏ"
                     " 'landscape' hoặc 'placement' (an appendix after the signature cannot be landscape)")
        return self

    @property
    def is_landscape(self) -> bool:
        """Landscape pages, asked for by the appendix or by a table in it."""
        if self.landscape or (self.table is not None and self.table.landscape):
            return True
        pending: list[Any] = list(self.body)
        while pending:
            item = pending.pop()
            if isinstance(item, Section):
                if item.table is not None and item.table.landscape:
                    return True
                pending += item.body + item.sections
        return False


class Article(KhModel):
    """Một điều của quyết định: 'Điều 1.' do kh đánh số; khoản 1., 2. và điểm a), b) bên trong."""

    title: Annotated[str | None, PLAIN] = Field(
        default=None,
        description="Tiêu đề điều, in đậm cùng dòng 'Điều N.', ví dụ 'Tổ chức thực hiện' (the article's heading).")
    text: Paragraphs = Field(
        default_factory=list,
        description="Nội dung điều: không có 'title' thì đoạn đầu đứng sau 'Điều N.' (the article's paragraphs).")
    body: list[BodyItem] = Field(
        default_factory=list,
        description="Các khối của điều theo thứ tự viết: đoạn văn, khoản {text: ...} hoặc {title: ...} (1., 2.),"
        " {points: [...]} (a), b)), {bullets: [...]}, {table: ...}, {note: ...} (blocks, after 'text').")

    @field_validator("body")
    @classmethod
    def _body_items(cls, body: list[str | Section]) -> list[str | Section]:
        return _body_checked(body, top=False)

    @model_validator(mode="after")
    def _has_content(self) -> Article:
        if not (self.title or self.text or self.body):
            raise ValueError("điều cần 'text', 'title' hoặc 'body' (an article needs text, a title or a body)")
        return self


class Decision(KhModel):
    """Quyết định ban hành kế hoạch (Mẫu 1.3): in trước, kế hoạch kèm theo ở trang sau."""

    number: Annotated[int | str | None, CODE] = Field(
        default=None, description="Số quyết định; bỏ trống khi là dự thảo.")
    date: dt.date | None = Field(default=None, description="Ngày ký, YYYY-MM-DD; bỏ trống khi là dự thảo.")
    subject: Annotated[str, PLAIN] = Field(
        description="Trích yếu, ví dụ 'Về việc ban hành Kế hoạch ...' (xuống dòng bằng \\n).")
    authority: Annotated[str | None, PLAIN] = Field(
        default=None, description="Thẩm quyền ban hành (IN HOA); mặc định 'authority' của hồ sơ tổ chức.")
    issuer: Annotated[str | None, PLAIN] = Field(
        default=None, description="Người ban hành trong dòng '(Kèm theo Quyết định ... của ...)';"
        " mặc định 'Chủ tịch ' + short_name của hồ sơ.")
    bases: list[Basis] = Field(default_factory=list, description="Căn cứ (in nghiêng), cả 'Theo đề nghị của ...'.")
    articles: list[Annotated[Article, BeforeValidator(_text_item, json_schema_input_type=str | Article)]] = Field(
        description="Các điều; kh đánh 'Điều 1.', 'Điều 2.' ...")
    recipients: Annotated[list[str], PLAIN] = Field(default_factory=list, description="Nơi nhận của quyết định.")
    archive: Annotated[str | None, PLAIN] = Field(
        default=None, description="Dòng lưu của quyết định, ví dụ 'VT, (KSTT/Sa) TV. 16'.")
    signer: Annotated[str | Signer, CODE] = Field(
        description="Người ký quyết định (mã trong hồ sơ hoặc viết trực tiếp).")

    @field_validator("number")
    @classmethod
    def _number(cls, value: int | str | None) -> int | str | None:
        return _doc_number(value)

    @field_validator("bases")
    @classmethod
    def _separate(cls, bases: list[Basis]) -> list[Basis]:
        for i, basis in enumerate(bases):
            if basis.with_intro:
                _fail_at((i, "with_intro"), True, "căn cứ của quyết định không dùng 'with_intro'"
                         " (a decision has no lead-in to join)")
        return bases


class Chapter(KhModel):
    """Một chương của văn bản ban hành kèm theo: kh in 'Chương I' và tên chương (IN HOA) canh giữa."""

    title: Annotated[str, PLAIN] = Field(description="Tên chương, ví dụ 'Những quy định chung' (kh IN HOA).")
    articles: list[Annotated[Article, BeforeValidator(_text_item, json_schema_input_type=str | Article)]] = Field(
        min_length=1, description="Các điều của chương; số điều nối tiếp qua các chương (Điều 1., Điều 2., ...).")


class Attachment(KhModel):
    """Văn bản ban hành kèm theo quyết định (Mẫu 1.3): Quy định, Quy chế, Điều lệ ... — in sau quyết định, từ
    trang mới đánh số lại từ 1, với dòng '(Kèm theo Quyết định số ... ngày ... của ...)' (an attached document)."""

    kind: Annotated[str, PLAIN] = Field(
        description="Tên loại văn bản kèm theo, ví dụ 'Quy định', 'Quy chế', 'Điều lệ' (kh IN HOA).")
    subject: Annotated[str, PLAIN] = Field(
        description="Trích yếu, ví dụ 'Về quản lý vật liệu nổ công nghiệp trên địa bàn tỉnh' (xuống dòng bằng \\n).")
    issuer: Annotated[str | None, PLAIN] = Field(
        default=None,
        description="Người ban hành trong dòng '(Kèm theo Quyết định số ... của ...)'; mặc định theo thẩm quyền:"
        " 'Chủ tịch ...' khi thẩm quyền là Chủ tịch, ngược lại tên cơ quan.")
    chapters: list[Chapter] = Field(
        default_factory=list, description="Các chương (Chương I, II, ...), mỗi chương các điều.")
    articles: list[Annotated[Article, BeforeValidator(_text_item, json_schema_input_type=str | Article)]] = Field(
        default_factory=list, description="Các điều khi văn bản không chia chương.")

    @model_validator(mode="after")
    def _one_form(self) -> Attachment:
        if bool(self.chapters) == bool(self.articles):
            raise ValueError("văn bản kèm theo cần 'chapters' (các chương) hoặc 'articles' (các điều), một trong hai"
                             " (chapters or articles, one of them)")
        return self


def _doc_number(value: int | str | None) -> int | str | None:
    if isinstance(value, str) and value.strip() == "":
        return None
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,9}", value.strip()):
        raise ValueError(f"số văn bản '{value[:20]}' chỉ gồm chữ số 0-9 (tối đa 9); ký hiệu do kh ghép"
                         " (digits only, e.g. 118)")
    if value is not None and not 1 <= int(value) <= MAX_DOC_NUMBER:
        raise ValueError(f"số văn bản phải từ 1 đến {format_amount(MAX_DOC_NUMBER)}, không phải {value}"
                         " (number out of range)")
    return value


#: Keys of the shorthand (today's fixed order: text, sections, points, bullets, assignments).
SHORTHAND_KEYS = ("text", "sections", "points", "bullets", "assignments")
#: Keys that make a mapping of a ``body`` a block of its own (one of them, alone).
BLOCK_KEYS = ("table", "note", "points", "bullets", "assignments")
#: Keys that make a mapping a (sub-)section.
_SECTION_KEYS = ("title", "text", "body", "sections")


class Section(KhModel):
    """Một mục/khoản có số: I., II. ở cấp 1; 1., 2. ở cấp 2; 1.1. khi chọn numbering: decimal."""

    # (The docstring is the editor's hover help.) In a ``body`` a mapping without title/text/body/
    # sections holding one of ``table``, ``note``, ``points``, ``bullets``, ``assignments`` is a block
    # of that kind (see :attr:`block_kind`); :func:`generator.model.content.section_blocks` gives the
    # content in printed order, written either way.

    title: str | None = Field(
        default=None, description="Tiêu đề (in đậm; cấp 1 tự IN HOA). Bỏ trống thì số đứng đầu đoạn văn đầu tiên.")
    text: Paragraphs = Field(default_factory=list, description="Các đoạn văn ngay dưới tiêu đề.")
    body: list[BodyItem] = Field(
        default_factory=list,
        description="Nội dung theo đúng thứ tự viết, thay cho text/sections/points/bullets/assignments: đoạn văn"
        " (chuỗi), {table: ...}, {bullets: [...]}, {points: [...]}, {note: ...}, {assignments: [...]}, khoản con"
        " {title: ..., ...} (content in the order written).")
    sections: list[Section] = Field(default_factory=list, description="Các khoản con (1., 2. hoặc 1.1.).")
    points: PointList = Field(default_factory=list, description="Các điểm a), b), c)...")
    bullets: BulletList = Field(default_factory=list, description="Các gạch đầu dòng '-'.")
    assignments: Annotated[list[Assignment] | Literal["tasks"], CODE] = Field(
        default_factory=list,
        description="Phân công: mỗi đơn vị một khoản (hoặc điểm) với các nhiệm vụ; 'tasks' = lập từ"
        " danh sách nhiệm vụ của kế hoạch, theo đơn vị chủ trì.")
    table: Table | None = Field(
        default=None, description="Chỉ trong 'body': một bảng, '- table: {columns: [...], rows: [...]}' (a table).")
    note: str | None = Field(
        default=None, description="Chỉ trong 'body': đoạn ghi chú in nghiêng 'Ghi chú: ...' (an italic note).")
    numbering: Annotated[Literal["arabic", "decimal"], CODE] = Field(
        default="arabic",
        description="Chỉ dùng ở mục cấp I (only on top-level sections): 'arabic' → khoản 1., 2. (mặc định);"
        " 'decimal' → khoản mang số của mục: dưới 'II.' là 2.1., 2.2. (khoản con 2.1.1.). Khoản con dưới"
        " khoản '1.' luôn là 1.1., 1.2.")
    assignment_colon: bool | None = Field(
        default=None,
        description="true: tên đơn vị trong phân công của mục này kết thúc bằng ':' ('2. Phòng Nội vụ Quận 1:');"
        " mặc định theo 'assignment_colon' của kế hoạch (per-section override).")

    @field_validator("sections")
    @classmethod
    def _numbering_on_top_only(cls, sections: list[Section]) -> list[Section]:
        bad = [i for i, sub in enumerate(sections) if "numbering" in sub.model_fields_set]
        if bad:   # reported at the sub-section's own 'numbering' key
            raise ValidationError.from_exception_data("Section", [InitErrorDetails(
                type=PydanticCustomError("value_error", _NUMBERING_TOP), loc=(i, "numbering"),
                input=sections[i].numbering) for i in bad])
        blocks = [i for i, sub in enumerate(sections) if sub.block_kind is not None]
        if blocks:
            raise ValidationError.from_exception_data("Section", [InitErrorDetails(
                type=PydanticCustomError("value_error", _NEEDS_TITLE), loc=(i,), input=None) for i in blocks])
        return sections

    @field_validator("body")
    @classmethod
    def _body_items(cls, body: list[str | Section]) -> list[str | Section]:
        return _body_checked(body, top=False)

    @model_validator(mode="after")
    def _has_content(self) -> Section:
        given = self.model_fields_set
        if "body" in given:
            mixed = [k for k in (*SHORTHAND_KEYS, "table", "note") if k in given]
            if mixed:
                _fail_at((mixed[0],), None,
                         f"mục viết 'body' thì không dùng thêm {', '.join(mixed)}: đưa chúng vào 'body' theo thứ tự"
                         f" muốn in (a section with body takes no {', '.join(mixed)}: put them in body)")
        if self.block_kind is None and any(k in given for k in ("table", "note")):
            key = "table" if "table" in given else "note"
            _fail_at((key,), None, f"'{key}' là một khối riêng trong 'body' của một mục, ví dụ"
                     f" 'body: [Đoạn văn, {{{key}: ...}}]' ('{key}' is a block of a body, alone in its mapping)")
        if self.title is None and not self.text and not self.body and not self.is_block:
            raise ValueError(_NEEDS_TITLE)
        if self.title is None and self.body and not isinstance(self.body[0], str):
            _fail_at(("body", 0), None, "mục không có 'title' mang số ở đoạn văn đầu tiên: 'body' phải bắt đầu"
                     " bằng một đoạn văn (an untitled section starts its body with a paragraph)")
        if self.is_block:
            keys = [k for k in BLOCK_KEYS if k in given]
            if len(keys) > 1:
                _fail_at((keys[1],), None, f"một khối chỉ có một loại: ở đây có {', '.join(keys)}; viết thành"
                         f" {len(keys)} khối liền nhau trong 'body' (one kind per block)")
            if "numbering" in given:
                _fail_at(("numbering",), self.numbering, "'numbering' chỉ dùng ở mục có tiêu đề (sections only)")
            if "assignment_colon" in given and keys != ["assignments"]:
                _fail_at(("assignment_colon",), self.assignment_colon,
                         "'assignment_colon' đi cùng 'assignments' (assignments only)")
            return self
        kinds = [k for k in ("sections", "points", "bullets", "assignments") if getattr(self, k)]
        if len(kinds) > 1:
            raise ValueError(
                f"một mục chỉ chứa một loại danh sách, ở đây có {', '.join(kinds)}"
                " (one list kind per section: sections, points, bullets or assignments;"
                " to mix them in any order, write body)")
        return self

    @property
    def is_block(self) -> bool:
        """True for a mapping of a ``body`` that is a block (table, note, points, …), not a sub-section."""
        return not any(k in self.model_fields_set for k in _SECTION_KEYS) and \
            any(k in self.model_fields_set for k in BLOCK_KEYS)

    @property
    def block_kind(self) -> str | None:
        """'table', 'note', 'points', 'bullets' or 'assignments' for a block; None for a (sub-)section."""
        if not self.is_block:
            return None
        return next(k for k in BLOCK_KEYS if k in self.model_fields_set)


def _body_item(value: Any) -> Any:
    """A body's item; "Lịch như sau:" written bare in a YAML list reads as a mapping ``{Lịch như sau: null}``."""
    if isinstance(value, dict) and len(value) == 1:
        key, item = next(iter(value.items()))
        if item is None and isinstance(key, str) and key not in Section.model_fields:
            raise ValueError("đoạn văn kết thúc bằng dấu ':' bị YAML đọc thành một khóa: đặt đoạn văn trong dấu"
                             " nháy, hoặc viết '- >-' rồi xuống dòng (a paragraph ending with ':' reads as a key:"
                             " quote it)")
    return value


#: An item of a ``body``: a paragraph (a string) or a mapping (a block, a sub-section).
BodyItem = Annotated[str | Section, BeforeValidator(_body_item, json_schema_input_type=str | Section)]

_NUMBERING_TOP = ("'numbering' chỉ dùng ở mục cấp I (I., II.); khoản con dưới khoản '1.' luôn đánh 1.1., 1.2."
                  " — bỏ dòng này (numbering applies to top-level sections only)")
_NEEDS_TITLE = "mục cần 'title' hoặc 'text' (a section needs a title or text)"


def _body_checked(body: list[str | Section], *, top: bool) -> list[str | Section]:
    """A body's sub-sections: ``numbering`` only at the top level (a content appendix's I., II.)."""
    if top:
        return body
    bad = [i for i, item in enumerate(body)
           if isinstance(item, Section) and not item.is_block and "numbering" in item.model_fields_set]
    if bad:
        raise ValidationError.from_exception_data("Section", [InitErrorDetails(
            type=PydanticCustomError("value_error", _NUMBERING_TOP), loc=(i, "numbering"),
            input=None) for i in bad])
    return body


class Plan(KhModel):
    """Một văn bản: Kế hoạch (mặc định), Quyết định, Tờ trình, Báo cáo, Thông báo, Chỉ thị hoặc Công văn
    — tệp YAML trong thư mục plans/ (a document; its kind is a field)."""

    kind: Annotated[KindName, CODE] = Field(
        default=DEFAULT_KIND,
        description="Loại văn bản: Kế hoạch (mặc định), Quyết định, Tờ trình, Báo cáo, Thông báo, Chỉ thị, Công văn"
        " (document kind: its type name, number symbol, parts and template).")
    org: Annotated[str | Org, CODE] = Field(
        description="Mã hồ sơ tổ chức (tệp orgs/<mã>.yaml cạnh kế hoạch) hoặc hồ sơ viết trực tiếp.")
    number: Annotated[int | str | None, CODE] = Field(
        default=None, description="Số văn bản, ví dụ 118. Bỏ trống khi là dự thảo: văn thư điền khi ban hành.")
    unit_symbol: Annotated[str | None, CODE] = Field(
        default=None,
        description="Công văn: chữ viết tắt đơn vị soạn thảo, ghép sau ký hiệu cơ quan: 'CN' → 'Số: 123/SCT-CN'"
        " (the drafting unit in an official letter's number).")
    date: dt.date | None = Field(
        default=None, description="Ngày ban hành, YYYY-MM-DD. Bỏ trống khi là dự thảo (giữ chỗ trống ngày, tháng).")
    year: int | None = Field(
        default=None, ge=MIN_YEAR, le=MAX_YEAR,
        description="Năm của kế hoạch, dùng trong lời văn như {{ year }}; mặc định là năm của 'date'.")
    month: Annotated[int | None, CODE] = Field(
        default=None, ge=1, le=12,
        description="Dự thảo chưa có 'date' nhưng đã biết tháng: 4 → 'ngày      tháng 4 năm 2026' (tháng 1, 2 viết"
        " '01', '02'); chỉ dùng khi bỏ trống 'date' (a draft's month, only without a date).")
    subject: Annotated[str, PLAIN] = Field(
        description="Trích yếu nội dung, ví dụ 'Thông tin, tuyên truyền cải cách hành chính năm {{ year }}'.")
    attached_to: DocRef | None = Field(
        default=None,
        description="Kế hoạch ban hành kèm theo một quyết định: dòng '(Kèm theo Quyết định số ... ngày ... của ...)'.")
    to: Annotated[Paragraphs, PLAIN] = Field(
        default_factory=list,
        description="Tờ trình, Báo cáo, Công văn: nơi nhận 'Kính gửi:' (một nơi cùng dòng; nhiều nơi mỗi nơi một dòng"
        " '- ...;'), ví dụ 'Ủy ban nhân dân tỉnh Lào Cai' (addressees, ô 9a).")
    authority: Annotated[str | None, PLAIN] = Field(
        default=None,
        description="Quyết định: thẩm quyền ban hành in trên căn cứ, ví dụ 'ỦY BAN NHÂN DÂN TỈNH LÀO CAI' hoặc"
        " 'CHỦ TỊCH ỦY BAN NHÂN DÂN ...'; mặc định 'authority' của hồ sơ tổ chức (issuing authority).")
    bases: list[Basis] = Field(default_factory=list, description="Các căn cứ; kh tự thêm ';' và '.' cuối.")
    intro: Paragraphs = Field(
        default_factory=list, description="Câu dẫn sau căn cứ, ví dụ '... ban hành Kế hoạch ... như sau:'.")
    section_numbering: Annotated[TopNumbering | None, CODE] = Field(
        default=None,
        description="Số của mục cấp cao nhất: roman → I., II. (khoản 1., 2.); arabic → 1., 2. (khoản 1.1., điểm a));"
        " mặc định theo loại văn bản: roman cho Kế hoạch, Quyết định, Tờ trình, Báo cáo; arabic cho Thông báo,"
        " Chỉ thị, Công văn (top-level numbering).")
    sections: list[Section] = Field(
        default_factory=list,
        description="Các mục I., II., ... (hoặc 1., 2.) của văn bản; Kế hoạch bắt buộc có (numbered content).")
    articles: list[Annotated[Article, BeforeValidator(_text_item, json_schema_input_type=str | Article)]] = Field(
        default_factory=list,
        description="Quyết định: các điều sau 'QUYẾT ĐỊNH:'; kh đánh 'Điều 1.', 'Điều 2.' ... (a decision's articles).")
    attachment: Attachment | None = Field(
        default=None,
        description="Quyết định: văn bản ban hành kèm theo (Quy định, Quy chế, Điều lệ ...) in sau quyết định, các"
        " chương 'Chương I' và điều 'Điều 1.' (Mẫu 1.3; the attached document).")
    closing: Paragraphs = Field(default_factory=list, description="Câu kết; kh thêm './.' vào cuối nội dung.")
    after_end: Paragraphs = Field(
        default_factory=list,
        description="Dòng in sau dấu './.', trước 'Nơi nhận', ví dụ '(Kèm theo mẫu báo cáo kết quả thực hiện)'"
        " (lines after the end mark).")
    assignment_colon: bool = Field(
        default=False,
        description="true: tên đơn vị trong phần phân công kết thúc bằng ':' ('2. Phòng Nội vụ Quận 1:')"
        " (assignment headings end with a colon).")
    recipients: Annotated[list[str], PLAIN] = Field(
        default_factory=list, description="Nơi nhận, mỗi dòng một nơi; kh thêm '- ' và ';'.")
    archive: Annotated[str | None, PLAIN] = Field(
        default=None, description="Dòng lưu, ví dụ 'VT, NV' → '- Lưu: VT, NV.'")
    signer: Annotated[str | Signer | None, CODE] = Field(
        default=None, description="Mã người ký trong hồ sơ tổ chức, hoặc người ký viết trực tiếp.")
    template: Annotated[str | None, CODE] = Field(
        default=None, description="Mẫu .docx riêng (đường dẫn tương đối với tệp kế hoạch).")
    decision: Decision | None = Field(
        default=None, description="Quyết định ban hành kế hoạch này (in trước kế hoạch, Mẫu 1.3).")
    tasks: list[TaskGroup] = Field(
        default_factory=list, description="Nhiệm vụ theo nhóm: nguồn của phụ lục type: tasks và 'assignments: tasks'.")
    appendices: list[Appendix] = Field(
        default_factory=list,
        description="Các phụ lục (Phụ lục I, II, ... khi có nhiều); mỗi phụ lục đánh số trang riêng.")
    appendix_numbering: Annotated[Literal["roman", "arabic", "so"], CODE] = Field(
        default="roman",
        description="Số của phụ lục: roman → 'Phụ lục I', 'Phụ lục II' (mặc định, Nghị định 30); arabic → 'Phụ lục 1';"
        " so → 'Phụ lục số 01'. Ghi rõ thì một phụ lục cũng mang số (appendix labels).")
    appendix_issuer: Annotated[str | None, PLAIN] = Field(
        default=None,
        description="Người ban hành trong dòng '(Kèm theo Kế hoạch số ... của ...)' của phụ lục, ví dụ 'Chủ tịch"
        " Ủy ban nhân dân tỉnh'; mặc định tên cơ quan trong hồ sơ (issuer named on the appendices).")
    variables: Annotated[dict[str, Any], VERBATIM] = Field(
        default_factory=dict, description="Biến tự đặt dùng trong lời văn: {{ variables.ten }}.")

    @field_validator("number")
    @classmethod
    def _number(cls, value: int | str | None) -> int | str | None:
        return _doc_number(value)

    @field_validator("sections")
    @classmethod
    def _titled(cls, sections: list[Section], info: ValidationInfo) -> list[Section]:
        if info.data.get("section_numbering") == "arabic" or (
                info.data.get("section_numbering") is None and KINDS[info.data.get("kind") or DEFAULT_KIND].numbering
                == "arabic"):
            return sections     # "1. Thời gian kiểm tra: ..." may be an untitled numbered paragraph
        for i, sec in enumerate(sections):
            if sec.title is None:
                raise ValueError(f"mục cấp I thứ {i + 1} (sections[{i}]) cần 'title'"
                                 " (a top-level section needs a title)")
        return sections

    @field_validator("to")
    @classmethod
    def _addressees(cls, to: list[str]) -> list[str]:
        for i, name in enumerate(to):
            if not name.strip(" -;.:"):
                _fail_at((i,), name, "nơi nhận 'Kính gửi' trống (an empty addressee)")
        return to

    @model_validator(mode="after")
    def _kind_parts(self) -> Plan:
        """Each kind holds its own parts (see :mod:`generator.model.doc_kinds`)."""
        kind = KINDS[self.kind]
        given = self.model_fields_set
        for part in OPTIONAL_PARTS:
            if part in given and part not in kind.parts and getattr(self, part) not in (None, [], {}):
                _fail_at((part,), None, f"{self.kind} không có '{part}'; '{part}' chỉ dùng cho: "
                         f"{', '.join(kinds_with(part))} ({self.kind} has no {part})")
        for part in sorted(kind.required):
            if not getattr(self, part):
                _fail_at((part,) if part in given else (), None, f"{self.kind} cần '{part}'"
                         + (" (các mục I., II., ...)" if part == "sections" else
                            " (các điều: Điều 1., Điều 2., ...)" if part == "articles" else
                            " (nơi nhận 'Kính gửi:')" if part == "to" else
                            " (chữ viết tắt đơn vị soạn thảo: 'Số: 123/SCT-CN', Mẫu 1.5)" if part == "unit_symbol"
                            else "") + f" ({self.kind} needs {part})")
        if kind.name != "Quyết định" and not (self.sections or self.intro or self.closing):
            raise ValueError(f"{self.kind} cần nội dung: 'intro', 'sections' hoặc 'closing'"
                             f" ({self.kind} needs content)")
        if self.unit_symbol is not None and not re.fullmatch(r"[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*", self.unit_symbol):
            _fail_at(("unit_symbol",), self.unit_symbol, f"ký hiệu đơn vị '{self.unit_symbol}' phải IN HOA, không dấu"
                     " cách, ví dụ 'CN' (e.g. 'CN')")
        return self

    @model_validator(mode="after")
    def _consistency(self) -> Plan:
        if self.year is None:
            if self.date is None:
                raise ValueError("cần 'year' khi chưa có 'date' (a draft needs its year)")
            self.year = self.date.year
            if not MIN_YEAR <= self.year <= MAX_YEAR:
                raise ValueError(f"năm {self.year} của 'date' phải từ {MIN_YEAR} đến {MAX_YEAR}"
                                 " (year out of range)")
        elif self.date is not None and self.date.year != self.year:
            raise ValueError(f"'date' {self.date.isoformat()} không thuộc năm {self.year} ('year')"
                             " (date is not in the plan's year)")
        if self.month is not None and self.date is not None:
            _fail_at(("month",), self.month, f"có 'date' {self.date.isoformat()} thì bỏ 'month': 'month' chỉ dành"
                     " cho dự thảo chưa có ngày (both date and month given; month is for a draft without a date)")
        joined = [b.with_intro for b in self.bases]
        if any(joined):
            first = joined.index(True)
            if not self.intro:
                _fail_at(("bases", first, "with_intro"), True,
                         "căn cứ 'with_intro: true' cần câu dẫn 'intro' để viết liền (needs an intro to join)")
            if not all(joined[first:]):
                _fail_at(("bases", first, "with_intro"), True,
                         "căn cứ 'with_intro: true' phải đứng cuối danh sách 'bases', sau các căn cứ in riêng"
                         " (joined bases must come last)")
        if self.decision is not None and self.attached_to is not None:
            raise ValueError("có 'decision' thì kh tự ghi dòng 'Kèm theo Quyết định'; bỏ 'attached_to'"
                             " (drop attached_to when decision is given)")
        uses_tasks = any(a.type == "tasks" for a in self.appendices) or _wants_tasks(self.sections) or any(
            _wants_tasks(a.body) for a in self.appendices)
        if uses_tasks and not self.tasks:
            raise ValueError("phụ lục type: tasks hoặc 'assignments: tasks' cần danh sách 'tasks'"
                             " (the task list is missing)")
        _check_extra_columns(self)
        if self.attached_to is None and self.decision is None:
            if self.signer is None:
                raise ValueError("thiếu 'signer' (người ký)")
            if not self.recipients and self.archive is None:
                raise ValueError("thiếu 'recipients'/'archive' (Nơi nhận)")
        return self

    @property
    def attached(self) -> bool:
        """True when the plan is issued by a decision (no number, date, recipients or signer)."""
        return self.attached_to is not None or self.decision is not None

    @property
    def top_numbering(self) -> TopNumbering:
        """How the top-level sections are numbered: the document's choice, else its kind's."""
        return self.section_numbering or KINDS[self.kind].numbering

    # Typed views once the reader has resolved the profile and the signer.
    @property
    def organisation(self) -> Org:
        assert isinstance(self.org, Org), "org profile not resolved"
        return self.org

    @property
    def signed_by(self) -> Signer | None:
        assert not isinstance(self.signer, str), "signer not resolved"
        return self.signer


def _fail_at(loc: tuple[str | int, ...], value: Any, message: str) -> None:
    """Raise a validation error located at ``loc`` (relative to the model being validated)."""
    raise ValidationError.from_exception_data("Plan", [InitErrorDetails(
        type=PydanticCustomError("value_error", message), loc=loc, input=value)])


def _wants_tasks(items: list[Any]) -> bool:
    """Does any section (or body block) below ask for ``assignments: tasks``?"""
    return any(isinstance(sec, Section) and (sec.assignments == "tasks" or _wants_tasks(sec.sections)
                                             or _wants_tasks(sec.body)) for sec in items)


def _check_extra_columns(plan: Plan) -> None:
    """Each task's ``extra`` cell needs a column of that key in a task appendix, and a column key that is
    none of the task table's own is an extra column (refused when it looks like a misspelt own key)."""
    keys: dict[str, tuple[int, int]] = {}
    for a, app in enumerate(plan.appendices):
        for c, col in enumerate(app.columns or []):
            keys.setdefault(col.key, (a, c))
    used: set[str] = set()
    for g, group in enumerate(plan.tasks):
        for t, task in enumerate(group.tasks):
            for key in task.extra:
                used.add(key)
                if key in TASK_KEYS:
                    _fail_at(("tasks", g, "tasks", t, "extra", key), key,
                             f"'{key}' là cột có sẵn của bảng nhiệm vụ, ghi thẳng ở nhiệm vụ; 'extra' cho cột thêm"
                             " (an own column of the task table)")
                if key not in keys:
                    hint = did_you_mean(key, [k for k in keys if k not in TASK_KEYS])
                    _fail_at(("tasks", g, "tasks", t, "extra", key), key,
                             f"cột '{key}' không có trong 'columns' của phụ lục type: tasks — thêm {{key: {key},"
                             f" header: ...}} vào 'columns' (unknown column)" + (f"; {hint}" if hint else ""))
    for key, (a, c) in keys.items():
        if key in TASK_KEYS or key in used:
            continue
        hint = did_you_mean(key, [*TASK_KEYS, *used])
        if hint is not None:
            _fail_at(("appendices", a, "columns", c, "key"), key,
                     f"cột '{key}' không phải cột có sẵn ({', '.join(TASK_KEYS)}) và không nhiệm vụ nào ghi"
                     f" 'extra: {{{key}: ...}}' (unknown column key); {hint}")


Section.model_rebuild()
Appendix.model_rebuild()
Article.model_rebuild()
Decision.model_rebuild()
Chapter.model_rebuild()
Attachment.model_rebuild()
