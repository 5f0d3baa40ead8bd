"""Narrative reports split into 附件1's framework sections, cleaned of template artefacts and internal notes
(planeval.intake.narrative), and compiled by section (planeval.reporting.narratives)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from planeval.intake.narrative import (
    DocParagraph,
    UnitNarrative,
    clean_text,
    read_narrative,
    read_paragraphs,
    split_sections,
)
from planeval.reporting.narratives import compile_sections, excerpt, write_compilation


@pytest.fixture(scope="module")
def sections(catalog):
    return catalog.forms.summary_report.sections


def _docx(path: Path, lines: list[str | tuple[str, int]]) -> Path:
    """A .docx of ``lines``: text, or (text, heading level) for a paragraph in a heading style."""
    document = Document()
    for line in lines:
        if isinstance(line, tuple):
            document.add_heading(line[0], level=line[1])
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


TYPICAL = [
    "XX局贯彻实施“十四五”安全生产规划总结评估报告",
    "一、规划实施总体进展情况",
    "（一）主要目标指标进展。本部门承担的3项指标均已提前完成。",
    "（二）主要任务进展",
    "1.完善应急管理组织架构。已完成机构改革。",
    "2.加强风险挑战应对能力建设。已建成监测预警平台。",
    "（三）规划实施主要举措进展",
    "建立“一图一表”调度机制。",
    "（四）重大成就、重要经验和典型案例",
    "全市连续三年未发生较大事故。",
    "二、规划实施过程存在的主要问题和风险挑战",
    "基层监管力量不足。",
    "三、规划目标任务完成情况预测及对策建议",
    "预计2025年全面完成规划目标。",
]


def test_the_typical_report_falls_into_its_sections(tmp_path, sections):
    narrative = read_narrative(_docx(tmp_path / "r.docx", TYPICAL), sections)
    assert narrative.sections == {
        "indicators": ["本部门承担的3项指标均已提前完成。"],
        "tasks": ["1.完善应急管理组织架构。已完成机构改革。", "2.加强风险挑战应对能力建设。已建成监测预警平台。"],
        "measures": ["建立“一图一表”调度机制。"],
        "achievements": ["全市连续三年未发生较大事故。"],
        "problems": ["基层监管力量不足。"],
        "outlook": ["预计2025年全面完成规划目标。"],
    }
    assert narrative.unplaced == []  # the title and the parent heading are no content
    assert narrative.missing(s.key for s in sections) == []


def test_heading_styles_aliases_and_number_variants(tmp_path, sections):
    lines: list[str | tuple[str, int]] = [
        ("市住建局规划实施情况总结", 0),
        ("指标完成情况", 1),  # an alias, in a heading style, no number
        "两项指标均已完成。",
        "(二)主要任务和重点工程进展",  # half-width brackets, an alias
        "老旧小区改造全部完成。",
        "三. 存在的主要问题",  # 三. with a space
        "资金缺口较大。",
        "4、下步打算：继续推进燃气管网更新。",  # inline after ：
        ("五、“十五五”工作思路", 1),
        "谋划一批重大项目。",
    ]
    narrative = read_narrative(_docx(tmp_path / "styled.docx", lines), sections)
    assert narrative.sections["indicators"] == ["两项指标均已完成。"]
    assert narrative.sections["tasks"] == ["老旧小区改造全部完成。"]
    assert narrative.sections["problems"] == ["资金缺口较大。"]
    assert narrative.sections["outlook"] == ["继续推进燃气管网更新。", "谋划一批重大项目。"]
    assert narrative.missing(["indicators", "measures", "achievements"]) == ["measures", "achievements"]


def test_full_width_numbers_and_containment(sections):
    paragraphs = [
        DocParagraph("（一）本局主要目标指标进展情况"),  # contains the title
        DocParagraph("完成。"),
        DocParagraph("（２）主要举措"),  # full-width digit in brackets: a list item, exact words
        DocParagraph("建立机制。"),
    ]
    narrative = split_sections(paragraphs, sections)
    assert narrative.sections == {"indicators": ["完成。"], "measures": ["建立机制。"]}


def test_list_items_and_sentences_are_content_not_headings(sections):
    paragraphs = [
        DocParagraph("二、存在问题"),
        DocParagraph("1.风险挑战应对能力不足。应急队伍年龄偏大。"),  # holds 风险挑战: still content
        DocParagraph("存在问题较多，整改任务重。"),  # starts with an alias: a sentence
        DocParagraph("一、全年检查企业300家，发现隐患1200处。"),  # 一、 before a sentence: a list item
    ]
    narrative = split_sections(paragraphs, sections)
    assert narrative.sections == {
        "problems": [
            "1.风险挑战应对能力不足。应急队伍年龄偏大。",
            "存在问题较多，整改任务重。",
            "一、全年检查企业300家，发现隐患1200处。",
        ]
    }


def test_an_unknown_top_heading_closes_the_section(sections):
    paragraphs = [
        DocParagraph("一、存在问题"),
        DocParagraph("人手不足。"),
        DocParagraph("二、其他需要说明的事项"),
        DocParagraph("本年度开展安全生产月活动。"),
        DocParagraph("三、对策建议"),
        DocParagraph("加强培训。"),
    ]
    narrative = split_sections(paragraphs, sections)
    assert narrative.sections == {"problems": ["人手不足。"], "outlook": ["加强培训。"]}
    assert narrative.unplaced == ["二、其他需要说明的事项", "本年度开展安全生产月活动。"]


def test_a_preamble_before_the_first_heading_is_unplaced_the_title_dropped(sections):
    paragraphs = [
        DocParagraph("市交通局“十四五”规划实施总结评估报告"),
        DocParagraph("根据市安委办通知要求，我局对规划实施情况进行了全面评估。现将有关情况报告如下。"),
        DocParagraph("一、主要目标指标进展"),
        DocParagraph("完成。"),
    ]
    narrative = split_sections(paragraphs, sections)
    assert narrative.unplaced == [paragraphs[1].text]
    assert narrative.sections == {"indicators": ["完成。"]}


@pytest.mark.parametrize(
    ("typed", "kept", "cut"),
    [
        ("完成{{重大事故}}起数下降。", "完成重大事故起数下降。", ["{{重大事故}}"]),
        ("{{ unit.name }}全年完成改造。", "全年完成改造。", ["{{ unit.name }}"]),
        ("{% if x %}完成改造{% endif %}。", "完成改造。", ["{% if x %}", "{% endif %}"]),
        ("研发&amp;推广，&lt;3起。", "研发&推广，<3起。", []),
        ("完成改造（请市安委办核实）。", "完成改造。", ["（请市安委办核实）"]),
        ("完成改造【待补充】。", "完成改造。", ["【待补充】"]),
        ("[内部]完成改造。", "完成改造。", ["[内部]"]),
        ("下降16%(此处需核实数据)。", "下降16%。", ["(此处需核实数据)"]),
        ("完成改造。注:以上数据仅供内部参考", "完成改造。", ["注:以上数据仅供内部参考"]),
        ("完成改造。批注：数据偏高，请再看。", "完成改造。", ["批注：数据偏高，请再看。"]),
        ("检查企业XX家，发现隐患1200处。", "发现隐患1200处。", ["检查企业XX家，"]),
        ("发现隐患1200处，整改XXX处。", "发现隐患1200处。", ["整改XXX处。"]),
        ("成立专班（市应急管理局牵头）。", "成立专班（市应急管理局牵头）。", []),
        ("详见<b>附表</b><!-- 草稿 -->。", "详见附表。", ["<b>", "</b>", "<!-- 草稿 -->"]),
    ],
)
def test_clean_text(typed, kept, cut):
    text, removed = clean_text(typed)
    assert text == kept
    assert removed == cut


@pytest.mark.parametrize(
    "note", ["请市安委办核实后删除本段。", "内部资料，不对外", "内部资料,不对外", "批注：此段待改"]
)
def test_paragraphs_that_are_notes_to_the_office_are_dropped(note, sections):
    assert clean_text(note)[0] == ""
    narrative = split_sections([DocParagraph("一、存在问题"), DocParagraph(note), DocParagraph("人手不足。")], sections)
    assert narrative.sections == {"problems": ["人手不足。"]}
    assert narrative.removed


def test_tables_are_read_in_document_order(tmp_path):
    document = Document()
    document.add_paragraph("前")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "甲"
    table.cell(0, 1).text = "乙"
    document.add_heading("后", level=2)
    document.save(str(tmp_path / "t.docx"))
    assert read_paragraphs(tmp_path / "t.docx") == [
        DocParagraph("前"),
        DocParagraph("甲"),
        DocParagraph("乙"),
        DocParagraph("后", 2),
    ]


def test_an_unreadable_file_raises_for_the_caller(tmp_path, sections):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(Exception):  # noqa: B017 (python-docx raises several kinds; the caller catches them)
        read_narrative(broken, sections)


# --- excerpts and the compilation -------------------------------------------------------------------------


def test_excerpt_keeps_whole_sentences():
    paragraphs = ["甲项完成。乙项完成；", "丙项推进中！丁项滞后。"]
    assert excerpt(paragraphs, 100) == "甲项完成。乙项完成；丙项推进中！丁项滞后。"
    assert excerpt(paragraphs, 10) == "甲项完成。乙项完成。"  # a last ； ends with 。
    assert excerpt(paragraphs, 9) == "甲项完成。"
    assert excerpt(paragraphs, 0) == ""


def test_excerpt_counts_no_whitespace_and_cuts_only_a_long_first_sentence():
    assert excerpt(["甲 项 完 成。"], 5) == "甲 项 完 成。"
    assert excerpt(["全年共排查整治各类安全隐患一千余处。"], 6) == "全年共排查整…"


def test_excerpt_strips_quotes_around_a_whole_paragraph():
    assert excerpt(["“全面完成改造任务。”"], 50) == "全面完成改造任务。"
    assert excerpt(["（全面完成改造任务。）"], 50) == "全面完成改造任务。"
    assert excerpt(["“甲”和“乙”均完成。"], 50) == "“甲”和“乙”均完成。"


def _narrative(**sections: list[str]) -> UnitNarrative:
    return UnitNarrative(sections=dict(sections), unplaced=[], removed=[])


def test_compile_sections_orders_units_and_lists_the_missing(catalog):
    narratives = {
        "town_01": _narrative(indicators=["镇指标完成。"]),
        "education_sports": _narrative(indicators=["教体指标完成。"], problems=["经费不足。"]),
        "development_reform": _narrative(problems=["项目滞后。"]),
    }
    compiled = {section["key"]: section for section in compile_sections(catalog, narratives, 6000)}
    assert [s.key for s in catalog.forms.summary_report.sections] == list(compiled)
    assert compiled["indicators"]["excerpts"] == [("市教体局", "教体指标完成。"), ("演示镇街01", "镇指标完成。")]
    assert compiled["indicators"]["missing"] == ["市发改委"]
    assert compiled["problems"]["excerpts"] == [("市发改委", "项目滞后。"), ("市教体局", "经费不足。")]
    assert compiled["measures"]["missing"] == ["市发改委", "市教体局", "演示镇街01"]
    assert compiled["indicators"]["title"] == "主要目标指标进展"


def test_compile_sections_shares_the_budget_and_passes_on_what_is_unused(catalog):
    long = ["一二三四五六七八九十。" * 10]  # ten sentences of 11 characters
    narratives = {
        "development_reform": _narrative(indicators=long, problems=long),
        "education_sports": _narrative(indicators=["短。"], problems=["甲乙丙丁戊己庚辛壬癸。" * 10]),
    }
    compiled = {section["key"]: section for section in compile_sections(catalog, narratives, 1200)}
    # six sections share 1200: 200 each; a section nobody wrote passes its share on
    indicators = dict(compiled["indicators"]["excerpts"])
    assert len(indicators["市发改委"]) == 99  # half of 200: nine whole sentences
    assert indicators["市教体局"] == "短。"
    problems = dict(compiled["problems"]["excerpts"])
    used = sum(len(text) for section in compiled.values() for _, text in section["excerpts"])
    assert used <= 1200
    assert len(problems["市发改委"]) + len(problems["市教体局"]) > 200  # the unused shares flowed on


def test_a_small_share_quotes_fewer_units_rather_than_stubs(catalog):
    narratives = {
        "development_reform": _narrative(problems=["一二三四五六七八九十。" * 3]),
        "education_sports": _narrative(problems=["一二三四五六七八九十。" * 9]),
    }
    (problems,) = compile_sections(catalog, narratives, 100, keys=["problems"])
    assert [unit for unit, _ in problems["excerpts"]] == ["市教体局"]  # the one who wrote the most
    assert len(problems["excerpts"][0][1]) == 99


def test_write_compilation(tmp_path, catalog, campaign, sections):
    reports = {
        "development_reform": TYPICAL,
        "education_sports": [
            "一、主要目标指标进展",
            "指标{{重大事故}}下降&amp;完成（请市安委办核实）。",
            "请市安委办核实后删除本段。",
            "二、其他事项",
            "开展宣传月活动。",
        ],
    }
    narratives = {
        code: read_narrative(_docx(tmp_path / f"{code}.docx", lines), sections) for code, lines in reports.items()
    }
    path = write_compilation(catalog, campaign, narratives, tmp_path / "out", draft=True)
    assert path.exists() and path.suffix == ".docx"
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    part = texts.index(next(t for t in texts if "剔除的内部批注" in t))
    body = "\n".join(texts[:part])
    for fragment in ("本部门承担的3项指标均已提前完成。", "基层监管力量不足。", "指标重大事故下降&完成。"):
        assert fragment in body
    for forbidden in ("{{", "{%", "&amp;", "核实", "XX"):
        assert forbidden not in body
    assert "未述及本部分的单位：市教体局。" in texts
    assert "开展宣传月活动。" in body  # unplaced text, in the last part
    listed = "\n".join(texts[part:])
    assert "（请市安委办核实）" in listed and "{{" not in listed
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[0] == "一、主要目标指标进展" and len(headings) == len(sections) + 1
    bold = {run.text for p in document.paragraphs for run in p.runs if run.bold}
    assert {"市发改委", "市教体局"} <= bold


def test_units_that_wrote_the_same_words_are_quoted_once_together(catalog):
    same = ["下一步,将聚焦滞后事项,倒排工期。"]
    narratives = {"development_reform": _narrative(outlook=same), "education_sports": _narrative(outlook=same)}
    (outlook,) = compile_sections(catalog, narratives, 600, keys=["outlook"])
    assert outlook["excerpts"] == [("市发改委、市教体局", "下一步,将聚焦滞后事项,倒排工期。")]
