"""The presentation rules of Nghị định 30/2020/NĐ-CP as data: one record per rule.

Every rule names the part of the document it is about, what the decree asks (in the decree's own
words where they are short enough, with English alongside), where the decree says it (Phụ lục I
"Thể thức, kỹ thuật trình bày văn bản hành chính" or the templates of Phụ lục III), how grave a
breach is, whether a fix can leave every word as it is, and which kinds of document it applies to.
Rule ids are those printed by ``../shared/nd30/nd30check.py`` where the rule is the same; ``HDR-VV``
and ``KINHGUI`` are kh's own (the shared checker has no counterpart).

Kinds follow Phụ lục III: Mẫu 1.4 "văn bản có tên loại" (Kế hoạch, Tờ trình, Báo cáo, Thông báo,
Chỉ thị and the other named types), Mẫu 1.2/1.3 Quyết định, Mẫu 1.5 Công văn (no type name: a
"V/v ..." trích yếu under the number instead).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kind code → Vietnamese name (English in parentheses where shown to users).
KINDS: dict[str, str] = {
    "KH": "Kế hoạch", "QĐ": "Quyết định", "TTr": "Tờ trình", "BC": "Báo cáo", "TB": "Thông báo",
    "CT": "Chỉ thị", "CV": "Công văn", "khác": "văn bản có tên loại khác",
}
KINDS_EN: dict[str, str] = {
    "KH": "plan", "QĐ": "decision", "TTr": "submission", "BC": "report", "TB": "notice", "CT": "directive",
    "CV": "official letter", "khác": "other named document",
}
ALL = frozenset(KINDS)
NAMED = ALL - {"CV"}                 # documents with a type name (tên loại) under the header
TO_SUPERIOR = frozenset({"CV", "TTr", "BC"})   # "Kính gửi" (ô 9a): Phụ lục I §II.9.b

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """One presentation rule of the decree."""

    id: str
    part: str                 # the part of the document (Vietnamese, English)
    requirement: str          # what the decree asks, Vietnamese
    requirement_en: str
    place: str                # where the decree says it
    severity: str             # "error" | "warning"
    fixable: bool             # every finding can be fixed without changing a word
    kinds: frozenset[str]     # kinds of document it applies to
    attached: bool = True     # applies also to a document issued with a Quyết định (Mẫu 1.3)

    def applies(self, kind: str | None, attached: bool) -> bool:
        """True if the rule is checked on a document of ``kind`` (None: kind not recognised)."""
        if attached and not self.attached:
            return False
        return kind is None and self.kinds == ALL or (kind in self.kinds)


P1 = "Phụ lục I, Phần I"
RULES: tuple[Rule, ...] = (
    Rule("PAGE-SIZE", "Khổ giấy (paper size)",
         "Khổ A4 (210 mm x 297 mm).", "A4 paper, 210 × 297 mm.",
         f"{P1}, Mục I, khoản 1", ERROR, True, ALL),
    Rule("PAGE-ORIENT", "Kiểu trình bày (orientation)",
         "Theo chiều dài của khổ A4; văn bản có bảng, biểu không làm thành phụ lục riêng thì có thể trình bày "
         "theo chiều rộng.",
         "Portrait; landscape only where the text holds tables or charts.",
         f"{P1}, Mục I, khoản 2", ERROR, True, ALL),
    Rule("PAGE-MARGIN", "Định lề trang (margins)",
         "Cách mép trên và mép dưới 20 - 25 mm, cách mép trái 30 - 35 mm, cách mép phải 15 - 20 mm.",
         "Top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.",
         f"{P1}, Mục I, khoản 3", ERROR, True, ALL),
    Rule("FONT-FAMILY", "Phông chữ (font)",
         "Phông chữ tiếng Việt Times New Roman.", "Times New Roman throughout.",
         f"{P1}, Mục I, khoản 4", ERROR, True, ALL),
    Rule("FONT-COLOR", "Màu chữ (text colour)",
         "Màu đen.", "Black text.",
         f"{P1}, Mục I, khoản 4", ERROR, True, ALL),
    Rule("FONT-UNICODE", "Bộ mã (encoding)",
         "Bộ mã ký tự Unicode theo Tiêu chuẩn Việt Nam TCVN 6909:2001 (chữ dựng sẵn, NFC).",
         "Unicode per TCVN 6909:2001: precomposed (NFC) letters.",
         f"{P1}, Mục I, khoản 4", ERROR, False, ALL),
    Rule("HDR-LAYOUT", "Bố cục tiêu đề (header layout)",
         "Quốc hiệu, Tiêu ngữ ở ô số 1 (phía trên, bên phải); tên cơ quan ban hành ở ô số 2 (bên trái).",
         "National name and motto top right (box 1), issuing body top left (box 2).",
         f"{P1}, Mục IV; Mục II, khoản 1 điểm c, khoản 2 điểm c", ERROR, False, ALL),
    Rule("HDR-QH", "Quốc hiệu (national name)",
         "“CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”: chữ in hoa, cỡ chữ từ 12 đến 13, kiểu chữ đứng, đậm, "
         "phía trên cùng, bên phải trang đầu.",
         "Capitals, 12–13 pt, upright, bold, top right of page 1.",
         f"{P1}, Mục II, khoản 1 điểm a", ERROR, False, ALL),
    Rule("HDR-TN", "Tiêu ngữ (motto)",
         "“Độc lập - Tự do - Hạnh phúc”: chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ đứng, đậm, canh giữa dưới "
         "Quốc hiệu; giữa các cụm từ có gạch nối (-), có cách chữ; cách Quốc hiệu dòng đơn.",
         "13–14 pt, upright, bold, centred under the national name; phrases joined by \" - \"; single spacing.",
         f"{P1}, Mục II, khoản 1 điểm b, c", ERROR, False, ALL),
    Rule("HDR-TN-LINE", "Đường kẻ dưới Tiêu ngữ (motto rule)",
         "Phía dưới có đường kẻ ngang, nét liền, có độ dài bằng độ dài của dòng chữ.",
         "A solid horizontal line under the motto, as long as the motto.",
         f"{P1}, Mục II, khoản 1 điểm b", ERROR, False, ALL),
    Rule("HDR-AGENCY", "Tên cơ quan ban hành (issuing body)",
         "Tên cơ quan ban hành: chữ in hoa, cỡ chữ từ 12 đến 13, kiểu chữ đứng, đậm, canh giữa dưới tên cơ quan "
         "chủ quản; tên cơ quan chủ quản: chữ in hoa, cỡ chữ từ 12 đến 13, kiểu chữ đứng (không đậm).",
         "Issuing body in capitals, 12–13 pt, upright, bold, centred; parent body capitals 12–13 pt, not bold.",
         f"{P1}, Mục II, khoản 2 điểm b", ERROR, False, ALL),
    Rule("HDR-AGENCY-LINE", "Đường kẻ dưới tên cơ quan (agency rule)",
         "Phía dưới có đường kẻ ngang, nét liền, có độ dài bằng từ 1/3 đến 1/2 độ dài của dòng chữ và đặt cân đối "
         "so với dòng chữ.",
         "A solid line under the issuing body's name, 1/3 to 1/2 of its length, centred.",
         f"{P1}, Mục II, khoản 2 điểm b", ERROR, False, ALL),
    Rule("HDR-NUMBER", "Số, ký hiệu (number and symbol)",
         "Từ “Số” chữ in thường, cỡ chữ 13, kiểu chữ đứng, sau có dấu hai chấm; số nhỏ hơn 10 ghi thêm số 0 phía "
         "trước; ký hiệu chữ in hoa, cỡ chữ 13; giữa số và ký hiệu có dấu gạch chéo (/), giữa các nhóm chữ viết "
         "tắt có dấu gạch nối (-), không cách chữ; canh giữa dưới tên cơ quan; chữ viết tắt tên loại theo "
         "Phụ lục III.",
         "\"Số:\" 13 pt upright; numbers below 10 with a leading zero; symbol in capitals 13 pt, \"/\" and \"-\" "
         "without spaces; centred under the issuing body; type abbreviation per Phụ lục III.",
         f"{P1}, Mục II, khoản 3 điểm a, b, c; Phụ lục III, Mục I", ERROR, False, ALL, attached=False),
    Rule("HDR-DATE", "Địa danh và thời gian (place and date)",
         "Ngày nhỏ hơn 10 và tháng 1, 2 phải ghi thêm số 0 phía trước; chữ in thường, cỡ chữ từ 13 đến 14, kiểu "
         "chữ nghiêng; chữ cái đầu của địa danh viết hoa; sau địa danh có dấu phẩy; canh giữa dưới Quốc hiệu "
         "và Tiêu ngữ.",
         "Days below 10 and months 1, 2 with a leading zero; 13–14 pt italic; place capitalised, then a comma; "
         "centred under the national name and motto.",
         f"{P1}, Mục II, khoản 4 điểm b, c", ERROR, False, ALL, attached=False),
    Rule("HDR-ROW", "Số và ngày trên một dòng (number and date level)",
         "Địa danh và thời gian ban hành văn bản được trình bày trên cùng một dòng với số, ký hiệu văn bản.",
         "The place and date stand on the same line as the number and symbol.",
         f"{P1}, Mục II, khoản 4 điểm c", WARNING, False, ALL, attached=False),
    Rule("TITLE-TYPE", "Tên loại văn bản (document type)",
         "Tên loại văn bản: chữ in hoa, cỡ chữ từ 13 đến 14, kiểu chữ đứng, đậm, canh giữa theo chiều ngang.",
         "Type name in capitals, 13–14 pt, upright, bold, centred.",
         f"{P1}, Mục II, khoản 5 điểm b", ERROR, False, NAMED),
    Rule("TITLE-TRICHYEU", "Trích yếu nội dung (subject)",
         "Trích yếu đặt ngay dưới tên loại, chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ đứng, đậm, canh giữa.",
         "Subject right under the type name: sentence case, 13–14 pt, upright, bold, centred.",
         f"{P1}, Mục II, khoản 5 điểm b", ERROR, False, NAMED),
    Rule("TITLE-LINE", "Đường kẻ dưới trích yếu (subject rule)",
         "Bên dưới trích yếu có đường kẻ ngang, nét liền, có độ dài bằng từ 1/3 đến 1/2 độ dài của dòng chữ.",
         "A solid line under the subject, 1/3 to 1/2 of its length.",
         f"{P1}, Mục II, khoản 5 điểm b", ERROR, False, NAMED),
    Rule("HDR-VV", "Trích yếu công văn (V/v)",
         "Trích yếu công văn sau chữ “V/v”, chữ in thường, cỡ chữ từ 12 đến 13, kiểu chữ đứng; canh giữa dưới số "
         "và ký hiệu, cách dòng 6pt với số và ký hiệu.",
         "An official letter's subject after \"V/v\": 12–13 pt upright, centred under the number, 6 pt below it.",
         f"{P1}, Mục II, khoản 5 điểm b", ERROR, False, frozenset({"CV"}), attached=False),
    Rule("KINHGUI", "Kính gửi (addressees, ô 9a)",
         "Từ “Kính gửi” và tên cơ quan nhận: chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ đứng; sau “Kính gửi” có "
         "dấu hai chấm; gửi nhiều nơi thì mỗi nơi một dòng, đầu dòng có gạch đầu dòng, cuối dòng có dấu chấm "
         "phẩy, dòng cuối cùng có dấu chấm.",
         "\"Kính gửi:\" and the addressees 13–14 pt upright; several addressees one per line \"- ...;\", the last "
         "ending with \".\".",
         f"{P1}, Mục II, khoản 9 điểm b, d", ERROR, False, TO_SUPERIOR, attached=False),
    Rule("BODY-CANCU", "Căn cứ ban hành (legal bases)",
         "Chữ in thường, kiểu chữ nghiêng, cỡ chữ từ 13 đến 14; sau mỗi căn cứ phải xuống dòng, cuối dòng có dấu "
         "chấm phẩy (;), dòng cuối cùng kết thúc bằng dấu chấm (.).",
         "Italic, 13–14 pt; one basis a line ending with \";\", the last with \".\".",
         f"{P1}, Mục II, khoản 6 điểm a", ERROR, False, ALL),
    Rule("BODY-SIZE", "Nội dung: cỡ chữ (body size)",
         "Nội dung văn bản cỡ chữ từ 13 đến 14.", "Body text 13–14 pt.",
         f"{P1}, Mục II, khoản 6 điểm e", ERROR, True, ALL),
    Rule("BODY-ALIGN", "Nội dung: canh lề (body alignment)",
         "Nội dung văn bản được canh đều cả hai lề.", "Body text justified.",
         f"{P1}, Mục II, khoản 6 điểm e", ERROR, True, ALL),
    Rule("BODY-INDENT", "Nội dung: lùi đầu dòng (first-line indent)",
         "Khi xuống dòng, chữ đầu dòng lùi vào 1 cm hoặc 1,27 cm; “Điều” lùi đầu dòng 1 cm hoặc 1,27 cm.",
         "First line indented 1 cm or 1.27 cm (also \"Điều\" lines).",
         f"{P1}, Mục II, khoản 6 điểm e, điểm đ", ERROR, True, ALL),
    Rule("BODY-SPACING", "Nội dung: khoảng cách (spacing)",
         "Khoảng cách giữa các đoạn văn tối thiểu là 6pt; khoảng cách giữa các dòng tối thiểu là dòng đơn, tối đa "
         "là 1,5 lines.",
         "At least 6 pt between paragraphs; line spacing from single to 1.5 lines.",
         f"{P1}, Mục II, khoản 6 điểm e", ERROR, True, ALL),
    Rule("BODY-NUMBERING", "Đánh số phần, mục, khoản, điểm (numbering)",
         "Mục số La Mã, chữ in hoa, đậm; khoản số Ả Rập và dấu chấm; điểm dùng các chữ cái tiếng Việt theo thứ tự "
         "bảng chữ cái (a, b, c, d, đ, e, g, ...) và dấu đóng ngoặc đơn; Điều số Ả Rập theo thứ tự, đậm.",
         "Sections I., II. in capitals bold; clauses 1., 2.; points a), b), c), d), đ), e), g) in Vietnamese order; "
         "articles in order, bold.",
         f"{P1}, Mục II, khoản 6 điểm đ; Mục V, mục 6", ERROR, False, ALL),
    Rule("BODY-END", "Dấu kết thúc (end mark)",
         "Nội dung văn bản kết thúc bằng dấu “./.” (các mẫu của Phụ lục III).",
         "The content ends with \"./.\" (every template of Phụ lục III).",
         "Phụ lục III, Mục II, Mẫu 1.1 - 1.10, 2.1", WARNING, False, ALL),
    Rule("PAGENUM", "Số trang (page numbers)",
         "Số trang bằng chữ số Ả Rập, cỡ chữ 13 đến 14, kiểu chữ đứng, đặt canh giữa theo chiều ngang trong phần "
         "lề trên của văn bản.",
         "Arabic page numbers, 13–14 pt, upright, centred in the top margin (header).",
         f"{P1}, Mục I, khoản 7", ERROR, True, ALL),
    Rule("PAGENUM-FIRST", "Số trang thứ nhất (first page number)",
         "Được đánh từ số 1, không hiển thị số trang thứ nhất.",
         "Numbering from 1; no number on the first page.",
         f"{P1}, Mục I, khoản 7", ERROR, True, ALL),
    Rule("NOINHAN-LABEL", "Từ “Nơi nhận” (recipients label)",
         "Từ “Nơi nhận” trên một dòng riêng, ngang hàng với dòng quyền hạn, chức vụ của người ký và sát lề trái, "
         "sau có dấu hai chấm, chữ in thường, cỡ chữ 12, kiểu chữ nghiêng, đậm.",
         "\"Nơi nhận:\" on its own line level with the signer's title, flush left, 12 pt bold italic.",
         f"{P1}, Mục II, khoản 9 điểm d", ERROR, False, ALL, attached=False),
    Rule("NOINHAN-ENTRIES", "Danh sách nơi nhận (recipients)",
         "Chữ in thường, cỡ chữ 11, kiểu chữ đứng; mỗi nơi nhận một dòng, đầu dòng có gạch đầu dòng (-), cuối dòng "
         "có dấu chấm phẩy (;); dòng cuối cùng gồm chữ “Lưu”, dấu hai chấm, “VT”, dấu phẩy, chữ viết tắt đơn vị "
         "soạn thảo, cuối cùng là dấu chấm; công văn, tờ trình, báo cáo có “Kính gửi” thì dưới “Nơi nhận” là "
         "“Như trên”.",
         "11 pt upright, one per line \"- ...;\", the last \"- Lưu: VT, <unit>.\"; under \"Kính gửi\" documents "
         "the list starts with \"- Như trên;\".",
         f"{P1}, Mục II, khoản 9 điểm b, d", ERROR, False, ALL, attached=False),
    Rule("SIGN-BLOCK", "Chức vụ, họ tên người ký (signature block)",
         "Quyền hạn, chức vụ của người ký: chữ in hoa, cỡ chữ từ 13 đến 14, kiểu chữ đứng, đậm; họ và tên người "
         "ký: chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ đứng, đậm, canh giữa quyền hạn, chức vụ.",
         "Authority and title in capitals 13–14 pt bold; the name in sentence case 13–14 pt bold, centred under "
         "them (bottom right, ô 7a/7b).",
         f"{P1}, Mục II, khoản 7 điểm đ", ERROR, False, ALL, attached=False),
    Rule("SIGN-PREFIX", "Quyền hạn người ký (authority prefix)",
         "Ghi chữ viết tắt “TM.”, “Q.”, “KT.”, “TL.”, “TUQ.” trước tên tập thể hoặc chức vụ của người đứng đầu.",
         "The authority prefix is one of TM., Q., KT., TL., TUQ. (with the dot), before the head's title.",
         f"{P1}, Mục II, khoản 7 điểm b", ERROR, False, ALL, attached=False),
    Rule("APPX-HEAD", "Phụ lục (appendix heading)",
         "Từ “Phụ lục” và số thứ tự một dòng riêng, canh giữa, chữ in thường, cỡ chữ 14, đứng, đậm; từ hai phụ "
         "lục trở lên đánh số La Mã; tên phụ lục in hoa, 13 đến 14, đậm; thông tin chỉ dẫn kèm theo văn bản canh "
         "giữa dưới tên phụ lục, chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ nghiêng.",
         "\"Phụ lục\" (+ Roman number when there are several) on its own line, centred, 14 pt bold; title in "
         "capitals 13–14 pt bold; the \"(Kèm theo ...)\" line centred, 13–14 pt italic.",
         "Phụ lục I, Phần I, Mục III, khoản 1 điểm a, b, c", ERROR, False, ALL),
    Rule("APPX-PAGENUM", "Số trang phụ lục (appendix page numbers)",
         "Số trang của Phụ lục được đánh số riêng theo từng Phụ lục.",
         "Each appendix has its own page numbering.",
         "Phụ lục I, Phần I, Mục III, khoản 1 điểm đ", ERROR, False, ALL),
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

_WORDING = ("sửa là đổi chữ của văn bản", "the fix changes the wording")
_LINE = ("đường kẻ phải vẽ lại bằng tay (độ dài, vị trí)", "the line must be redrawn by hand (length, position)")
#: Why ``kh check --fix`` leaves a finding of a rule to a person (Vietnamese, English): what putting it
#: right would change besides formatting. Issues with a fix (see .fixes) are never left.
LEFT_FOR_A_PERSON: dict[str, tuple[str, str]] = {
    **{r.id: _WORDING for r in RULES},
    "FONT-UNICODE": ("đổi sang chữ dựng sẵn (NFC) là đổi các ký tự của văn bản",
                     "converting to precomposed letters (NFC) changes the document's characters"),
    "HDR-LAYOUT": ("phải dựng lại bảng tiêu đề hai cột", "the two-column header table must be rebuilt"),
    "HDR-TN": ("chữ của Tiêu ngữ, hoặc dòng trống giữa Quốc hiệu và Tiêu ngữ, phải sửa bằng tay",
               "the motto's wording, or empty lines between it and the national name, must be changed by hand"),
    "HDR-TN-LINE": _LINE, "HDR-AGENCY-LINE": _LINE, "TITLE-LINE": _LINE,
    "HDR-ROW": ("phải sắp lại các dòng của bảng tiêu đề", "the rows of the header table must be rearranged"),
    "SIGN-BLOCK": ("chữ hoặc vị trí của khối chữ ký phải sửa bằng tay",
                   "the wording or the position of the signature block must be changed by hand"),
    "APPX-PAGENUM": ("phải chèn ngắt phần (section break) trước phụ lục",
                     "a section break must be inserted before the appendix"),
}


def rules_for(kind: str | None, attached: bool = False) -> list[Rule]:
    """The rules checked on a document of ``kind`` (and whether it is issued with a Quyết định)."""
    return [r for r in RULES if r.applies(kind, attached)]
