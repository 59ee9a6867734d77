import unicodedata

import pytest

from generator.lang.typography import MarkupError, Span, clean, end_sentence, list_item, parse_inline, plain, upper_vi


def test_clean_makes_nfc_and_drops_xml_forbidden_characters():
    decomposed = unicodedata.normalize("NFD", "Hạnh phúc")
    out = clean(f"a\x00b\x07c\x1f {decomposed}")
    assert out == "abc Hạnh phúc"
    assert unicodedata.is_normalized("NFC", out)


def test_clean_keeps_zero_width_characters():
    """Nothing visible-or-meaningful is dropped silently: ZWJ joins emoji, ZWNJ matters in some scripts."""
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert clean(f"gia đình {family} a\u200bb\u00adc\ufeff") == f"gia đình {family} a\u200bb\u00adc\ufeff"


def test_unclosed_mark_reports_its_own_offset():
    with pytest.raises(MarkupError) as info:
        parse_inline("a *b* c **d")
    assert (info.value.pos, info.value.mark) == (8, "**")
    with pytest.raises(MarkupError) as info:
        parse_inline("x ^[chú thích")
    assert (info.value.pos, info.value.mark) == (2, "^[")


def test_clean_spacing_and_quotes():
    assert clean("quận  ,  phường ( x ) ;") == "quận, phường (x);"
    assert clean('chủ đề "Năm xây dựng" của') == "chủ đề “Năm xây dựng” của"
    assert clean('một dấu " lẻ') == 'một dấu " lẻ'
    assert clean("dòng 1\r\ndòng 2") == "dòng 1\ndòng 2"


def test_list_punctuation():
    assert list_item("Sở Nội vụ;", last=False) == "Sở Nội vụ;"
    assert list_item("Sở Nội vụ.", last=False) == "Sở Nội vụ;"
    assert list_item("Lưu: VT, NV", last=True) == "Lưu: VT, NV."
    assert end_sentence("Trên đây là Kế hoạch.") == "Trên đây là Kế hoạch./."
    assert end_sentence("đã có./.") == "đã có./."


def test_upper_vi():
    assert upper_vi("mục đích, yêu cầu") == "MỤC ĐÍCH, YÊU CẦU"


def test_inline_emphasis():
    assert parse_inline("a **b** *c* ***d***") == [
        Span("a "), Span("b", bold=True), Span(" "), Span("c", italic=True), Span(" "),
        Span("d", bold=True, italic=True)]


def test_footnote_marks():
    spans = parse_inline("thành phố^[Quyết định số **3637**/QĐ-UBND] tiếp")
    assert spans[0] == Span("thành phố")
    assert spans[1].note == (Span("Quyết định số "), Span("3637", bold=True), Span("/QĐ-UBND"))
    assert spans[2] == Span(" tiếp")
    assert plain("a^[b] c") == "a c"


def test_escapes():
    assert plain(r"điểm \* và \^[") == "điểm * và ^["


@pytest.mark.parametrize("bad", ["**không đóng", "*nghiêng", "x^[chưa đóng", "^[a^[b]]"])
def test_unbalanced_marks_are_errors(bad):
    with pytest.raises(MarkupError):
        parse_inline(bad)
