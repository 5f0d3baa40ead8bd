"""Full-width punctuation beside Chinese text, ASCII marks elsewhere (planeval.reporting.typography)."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from planeval.dates import chinese_date
from planeval.reporting.summary import attachment_list
from planeval.reporting.typography import (
    TITLE_CHARS,
    apply_chinese_punctuation,
    chinese_punctuation,
    em_width,
    title_lines,
)


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("下降16.6%(目标下降超过15%),已提前实现规划目标。", "下降16.6%（目标下降超过15%），已提前实现规划目标。"),
        ("生产安全事故起数下降(%)", "生产安全事故起数下降（%）"),
        ("2024年:市公安局填报18,交通局填报17.5;请核实!", "2024年：市公安局填报18，交通局填报17.5；请核实！"),
        ("(一)主要目标指标进展", "（一）主要目标指标进展"),
        ("是否完成?", "是否完成？"),
    ],
)
def test_marks_beside_chinese_text_become_full_width(typed, printed):
    assert chinese_punctuation(typed) == printed


@pytest.mark.parametrize(
    "kept",
    [
        "1,000 15:30:00 alert(1)",
        "[附件4!H12]",  # a cell reference keeps its brackets and its “!”
        "A&B <核实> {{ 重大 }} {% if x %}不变{% endif %}",
        "Hello, world: (ok)",
        "≥2.5m²",
    ],
)
def test_numbers_times_and_latin_text_keep_their_marks(kept):
    assert chinese_punctuation(kept) == kept


def test_a_bracket_pair_keeps_one_width():
    assert chinese_punctuation("见alert(1)说明") == "见alert(1)说明"
    assert chinese_punctuation("责任单位(市应急管理局)") == "责任单位（市应急管理局）"


def test_the_document_pass_reaches_tables_and_headers(tmp_path):
    document = Document()
    document.add_paragraph("责任单位:市应急管理局")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "下降(%)"
    document.sections[0].header.paragraphs[0].text = "内部资料,注意保密"
    apply_chinese_punctuation(document)
    path = tmp_path / "marks.docx"
    document.save(str(path))
    saved = Document(str(path))
    assert saved.paragraphs[0].text == "责任单位：市应急管理局"
    assert saved.tables[0].cell(0, 0).text == "下降（%）"
    assert saved.sections[0].header.paragraphs[0].text == "内部资料，注意保密"


def test_dates_are_written_without_leading_zeros():
    assert chinese_date(dt.date(2026, 12, 2)) == "2026年12月2日"
    assert chinese_date(dt.date(2025, 6, 5)) == "2025年6月5日"


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("accident_count_decline", "下降超过15%"),  # “>15” in the table
        ("road_transport_death_decline", "下降20%及以上"),  # “≥20”
        ("new_fulltime_firefighters", "≥400人"),
        ("shelter_area_per_capita", "≥2.5m²"),  # the table's own unit stays
        ("relief_time", "≤10h"),
        ("plan_revision_rate", "100%"),
        ("fire_death_rate", "<0.2人/十万人"),
    ],
)
def test_sentences_state_the_target_in_words(catalog, code, phrase):
    assert catalog.indicator(code).target_words == phrase


def test_the_attachment_note_numbers_the_document_set_from_one(catalog, campaign):
    """GB/T 9704 §7.3.6: 附件说明 numbers the attachments 1, 2, 3…, in the order of the notice's labels."""
    assert attachment_list(catalog, campaign) == [
        "1.海安市“十四五”重点工程项目单片材料",
        "2.海安市“十四五”安全生产规划主要指标完成情况统计表",
        "3.海安市“十四五”应急管理体系和能力建设主要指标完成情况统计表",
        "4.安全生产规划重点工程实施进度情况表",
        "5.应急管理体系和能力建设规划重点工程实施进度情况表",
    ]


@pytest.mark.parametrize(
    ("parts", "lines"),
    [
        (
            ("关于“十四五”安全生产、应急管理体系和能力建设规划总结评估", "报送情况的反馈函"),
            ["关于“十四五”安全生产、应急管理体系和", "能力建设规划总结评估报送情况的反馈函"],
        ),
        (
            ("海安市", "“十四五”安全生产、应急管理体系和能力建设规划总结评估", "报告"),
            ["海安市“十四五”安全生产、", "应急管理体系和能力建设规划总结评估报告"],
        ),
        (("催报通知",), ["催报通知"]),
    ],
)
def test_titles_break_between_words_on_as_few_lines_as_fit(parts, lines):
    assert title_lines(*parts) == lines
    assert all(em_width(line) <= TITLE_CHARS for line in lines)


def test_a_notice_is_cited_with_its_title_in_book_title_marks(campaign):
    assert campaign.cited_notice == (
        "《关于开展“十四五”安全生产、应急管理体系和能力建设规划总结评估工作的通知》(市安委办,2025年5月13日)"
    )
    cited = campaign.model_copy(update={"notice": "《关于开展评估工作的通知》"})
    assert cited.cited_notice == "《关于开展评估工作的通知》"  # already marked: as it is
