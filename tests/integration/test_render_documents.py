"""Render check: the whole document set converted to PDF by LibreOffice and read back.

One demo warehouse (no Airflow), a unit whose 分析说明 holds ``&``, ``<``, ``>`` and Jinja syntax, a unit
whose only upload stays rejected; the draft and the final documents are rendered and converted in one
LibreOffice start. Checks: page counts, text, GB/T 9704 markings, landscape annex pages, charts without
missing glyphs, the upward xlsx exports, the 正文 length check.
"""

from __future__ import annotations

import re
import subprocess
import warnings
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from helpers import demo_in_home
from openpyxl import load_workbook
from render_check import ascii_marks, require_render_tools, squeeze, to_pdf

from planeval.intake.unit_forms import form_filename
from planeval.stages import collect, context, year_end
from planeval.ui.demo import fill_form, load_demo_spec

NASTY = "A&B <核实> {{ 重大 }} {% if x %}不变{% endif %}"


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict:
    require_render_tools()
    root = tmp_path_factory.mktemp("documents")
    monkeypatch, selection, settings, catalog, campaign = demo_in_home(root)
    try:
        spec = load_demo_spec(catalog)
        spec["indicators"]["fishing_vessel_death_decline"]["analysis"] = NASTY
        # 市气象局's only upload is spoiled: its letter must list the errors with their cells
        meteorology = catalog.unit("meteorology")
        inbox = settings.inbox("meteorology")
        for path in inbox.iterdir():
            if path.suffix == ".xlsx" and "联系人" not in path.name and "回执" not in path.name:
                path.unlink()
        form = settings.forms_dir / "meteorology" / form_filename(catalog, campaign, meteorology)
        fill_form(catalog, campaign, meteorology, form, inbox / "市气象局_错误报送.xlsx", spec, spoil=True)
        # the fishing unit's text with & < {{ }}: typed into its form before collection
        agriculture = catalog.unit("agriculture")
        agriculture_form = settings.forms_dir / "agriculture" / form_filename(catalog, campaign, agriculture)
        for path in settings.inbox("agriculture").glob("*.xlsx"):
            if path.name == agriculture_form.name:
                fill_form(catalog, campaign, agriculture, agriculture_form, path, spec)
        collect.run_collect()
        year_end.refresh_results()
        draft = [Path(p) for p in year_end.render_reports(selection)]
        final = [Path(p) for p in year_end.render_reports(selection, draft=False)]
        folder = settings.reports_dir / campaign.code
        letters = folder / "反馈函"
        picked = {
            "report": folder / f"{catalog.city}{campaign.name}报告(征求意见稿).docx",
            "final": folder / f"{catalog.city}{campaign.name}报告(定稿).docx",
            "projects": folder / "附件5、附件6_重点工程实施进度情况表(征求意见稿).docx",
            "sheets": folder / "附件2_重点工程项目单片材料(征求意见稿).docx",
            "rejected": letters / "市气象局_反馈函(征求意见稿).docx",
            "missing": letters / "市民宗局_反馈函(征求意见稿).docx",
            "clean": letters / "市应急管理局_反馈函.docx",
        }
        pdfs = to_pdf(list(picked.values()), root / "pdf")
        yield {
            "paths": picked,
            "pdf": {key: pdfs[path] for key, path in picked.items()},
            "written": draft + final,
            "folder": folder,
            "root": root,
        }
    finally:
        monkeypatch.undo()


def test_every_document_was_written_for_draft_and_final(documents):
    names = {path.name for path in documents["written"]}
    assert len([n for n in names if n.endswith("反馈函(征求意见稿).docx")]) >= 45
    assert {n for n in names if n.startswith("附件")} >= {
        "附件3_海安市“十四五”安全生产规划主要指标完成情况统计表.xlsx",
        "附件4_海安市“十四五”应急管理体系和能力建设主要指标完成情况统计表(征求意见稿).xlsx",
        "附件5、附件6_重点工程实施进度情况表.docx",
        "附件2_重点工程项目单片材料.docx",
    }


def test_the_report_renders_with_markings_page_numbers_and_landscape_annexes(documents):
    report, final = documents["pdf"]["report"], documents["pdf"]["final"]
    assert 12 <= report.pages <= 50 and final.pages == report.pages
    text = squeeze(report.text)
    assert text.startswith("征求意见稿内部资料注意保密")
    assert "生产安全事故起数下降16.6%(目标下降超过15%)" in text
    for label in ("附录一滞后预期指标分析", "附录二主要指标趋势图", "附录三主要任务逐项评估表", "附件3", "附件4"):
        assert label in text
    assert "—1—" in text and f"—{report.pages}—" in text
    assert "征求意见稿" not in squeeze(final.text) and "内部资料注意保密" in squeeze(final.text)
    sizes = _page_sizes(report.path)
    assert sizes[0] == "595.32 x 841.92" or sizes[0].startswith("595")  # A4 portrait
    assert sizes[-1].startswith("841")  # 附件3/4 on landscape A4


def test_the_report_reads_as_an_official_text(documents):
    raw = re.sub(r"\s+", "", documents["pdf"]["report"].text)
    # full-width marks beside Chinese text, the Arabic numbers and the decimals as typed
    assert "提前实现的3项：生产安全事故起数下降16.6%（目标下降超过15%）；" in raw
    assert "（一）主要目标指标进展" in raw and "责任单位：" in raw
    # 附件说明 after the body, numbered from 1 (GB/T 9704 §7.3.6); the report's own appendices are 附录, not 附件
    text = squeeze(documents["pdf"]["report"].text)
    assert "附件:1.海安市“十四五”重点工程项目单片材料2.海安市“十四五”安全生产规划主要指标完成情况统计表" in text
    assert "5.应急管理体系和能力建设规划重点工程实施进度情况表海安市安全生产委员会办公室" in text
    assert re.search(r"海安市安全生产委员会办公室\d{4}年[1-9]\d?月[1-9]\d?日", text)  # no leading zeros
    assert "附件1" not in text and "附件2主要指标趋势图" not in text


def test_department_text_comes_out_cleaned(documents):
    text = squeeze(documents["pdf"]["report"].text)
    assert "A&B重大不变" in text  # the words kept, & as typed; the template marks and the note “<核实>” gone
    for artefact in ("{{", "}}", "{%", "%}", "&amp;", "核实", "【待补充】", "仅供内部参考"):
        assert artefact not in text, artefact


def test_charts_are_embedded_and_draw_chinese_without_missing_glyphs(documents):
    report = Document(str(documents["paths"]["report"]))
    images = [r for r in report.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 21  # one per distinct indicator with data: 市气象局's only upload was rejected
    from planeval.reporting.charts import TrendSeries, draw_trend_chart

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns “Glyph … missing from font” for every empty box
        chart = draw_trend_chart(
            TrendSeries(
                "生产安全事故起数下降(%)", "%", 2020, 0.0, {2021: 5.2, 2024: 16.6}, (2025, 18), None, 15, ">15"
            ),
            documents["root"] / "chart.png",
        )
    assert chart.stat().st_size > 10_000


def test_charts_keep_their_height_on_the_page(documents):
    """A fixed 28 pt line clips an inline picture to a strip: the charts' paragraphs must not have one, and
    21 charts of 14 × 6.6 cm take several pages, not two."""
    from docx.enum.text import WD_LINE_SPACING

    report = Document(str(documents["paths"]["report"]))
    holding = [p for p in report.paragraphs if p._p.xpath(".//w:drawing")]
    assert len(holding) == 21
    assert all(p.paragraph_format.line_spacing_rule != WD_LINE_SPACING.EXACTLY for p in holding)
    pages = documents["pdf"]["report"].text.split("\f")
    charts_start = next(i for i, page in enumerate(pages) if "主要指标趋势图" in page)
    tables_start = next(i for i in range(charts_start, len(pages)) if "规划指标内容" in squeeze(pages[i]))
    assert tables_start - charts_start >= 6


def test_annex_tables_give_the_indicator_names_room(documents):
    from docx.shared import Mm

    report = Document(str(documents["paths"]["report"]))
    for table in report.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        if len(grid) == 7:  # 附录三 主要任务逐项评估表, on the portrait text block
            assert sum(grid) <= int(Mm(210 - 28 - 26).twips) + 7
            continue
        assert len(grid) == 14 and grid[1] >= int(Mm(30).twips) and grid[1] > 2 * grid[4]
        assert sum(grid) <= int(Mm(297 - 37 - 35).twips) + 13  # within the landscape text block
    sizes = _page_sizes(documents["pdf"]["report"].path)
    annex_pages = [i for i, page in enumerate(documents["pdf"]["report"].text.split("\f")) if "规划指标内容" in page]
    assert all(sizes[i].startswith("841") for i in annex_pages)  # landscape


def test_letters_say_what_is_wrong_and_what_is_missing(documents):
    pdf = documents["pdf"]
    rejected = squeeze(pdf["rejected"].text)
    assert "市气象局:" in rejected and "《市气象局_错误报送.xlsx》" in rejected
    assert re.search(r"\[附件4!H\d+\]", rejected)  # the spoiled cell, located
    assert "约两成" in rejected
    assert "本期数据质量:应报" in rejected and "被退回1次" in rejected  # warehouse.quality's figures
    notice = (
        "根据《关于开展“十四五”安全生产、应急管理体系和能力建设规划总结评估工作的通知》(市安委办,2025年5月13日)要求"
    )
    assert notice in rejected  # the notice cited with its title in 书名号
    missing = squeeze(pdf["missing"].text)
    assert "1.联系人回执(截止日期:2025年5月15日):尚未报送。" in missing and pdf["missing"].pages == 1
    clean = squeeze(re.sub(r"—\s*\d+\s*—", "", pdf["clean"].text))  # a sentence may run over a page number
    assert "一、指标评估结果" in clean and "征求意见稿" not in clean
    assert "贵单位自评为“符合预期”,与测算结果不一致" in clean  # GDP death rate: self 符合, computed 滞后
    for key in ("rejected", "missing", "clean"):
        assert "海安市安全生产委员会办公室" in squeeze(pdf[key].text) and "—1—" in squeeze(pdf[key].text)


def test_key_project_documents(documents):
    tables, sheets = documents["pdf"]["projects"], documents["pdf"]["sheets"]
    text = squeeze(tables.text)
    assert "附件5" in text and "附件6" in text and "智慧消防建设" in text  # cells wrap: look for short words
    assert "已完成年度建设任务" in text and "形成可复制的经验" in text
    assert _page_sizes(tables.path)[0].startswith("841")  # landscape
    pages = [squeeze(page) for page in tables.text.split("\f")]
    starts = [next(i for i, page in enumerate(pages) if label in page) for label in ("附件5", "附件6")]
    assert "附件6" not in pages[starts[0]] and starts[1] > starts[0]  # each table starts a page of its own
    assert sheets.pages == 8  # one page per key project
    assert squeeze(sheets.text).count("重点工程项目单片材料") == 8
    # what no submission holds is said so, never left as a blank line
    assert "______" not in sheets.text and "计划总投资(未报送)" in squeeze(sheets.text)
    assert "______" not in "".join(p.text for p in Document(str(documents["paths"]["sheets"])).paragraphs)


MARKINGS = re.compile(r"征求意见稿|—\s*\d+\s*—|\s")  # the page header and the page number


def _pages(pdf) -> list[str]:
    pages = pdf.text.split("\f")
    return pages[:-1] if not pages[-1].strip() else pages  # pdftotext ends the last page with a form feed


def _pages_with_pictures(pdf) -> set[int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf.path)], capture_output=True, text=True, check=True)
    return {int(line.split()[0]) for line in listing.stdout.splitlines()[2:] if line.strip()}


def test_no_page_is_blank(documents):
    for key, pdf in documents["pdf"].items():
        pages = _pages(pdf)
        assert len(pages) == pdf.pages, key
        pictures = _pages_with_pictures(pdf)  # 附录二's charts: a page of pictures is not blank
        blank = [
            number
            for number, page in enumerate(pages, start=1)
            if not MARKINGS.sub("", page) and number not in pictures
        ]
        assert not blank, f"{key}: pages {blank} hold only the header and the page number"


def test_the_signature_shares_its_page_with_the_body(documents):
    """署名 and 成文日期 are never alone on a page: the page that holds them holds a sentence of the body."""
    for key in ("report", "final", "rejected", "missing", "clean"):
        pages = [squeeze(page) for page in _pages(documents["pdf"][key])]
        signed = [page for page in pages if re.search(r"海安市安全生产委员会办公室\d{4}年[1-9]\d?月[1-9]\d?日", page)]
        assert len(signed) == 1, key
        body = signed[0].split("附件:")[0].split("海安市安全生产委员会办公室")[0]
        assert MARKINGS.sub("", body).endswith("。"), f"{key}: no body text above the signature: {signed[0]!r}"


def test_long_tables_repeat_their_header_and_keep_figures_whole(documents):
    report = _pages(documents["pdf"]["report"])
    first = next(i for i, page in enumerate(report) if "附件3" in squeeze(page))
    annex_pages = report[first:]
    assert len(annex_pages) >= 3  # 附件3 and 附件4 run over several pages
    for page in annex_pages:  # each page of a table opens with its header row
        lines = [line for line in page.splitlines() if line.strip() and "征求意见稿" not in line]
        assert "规划指标内容" in squeeze(page)
        assert lines[0].lstrip().startswith(("附件", "序")), lines[0]
    text = "\n".join(annex_pages)
    # the longest figures of the annex tables, read from the document, are never broken inside a cell (“0.137/5”)
    cells = {
        cell.text.strip()
        for table in Document(str(documents["paths"]["report"])).tables
        for row in table.rows
        for cell in row.cells
    }
    figures = sorted((c for c in cells if re.fullmatch(r"\d+\.\d{2,}", c)), key=len, reverse=True)[:6]
    assert figures, "the annex tables hold decimal figures"
    for figure in figures:
        assert re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", text), figure
    for serial in range(10, 18):  # serial numbers on one line (“1/0”)
        assert re.search(rf"^\s*{serial}\s", text, re.MULTILINE), serial
    projects = _pages(documents["pdf"]["projects"])
    assert all("任务名称" in page for page in projects)
    for key in ("report", "projects"):
        for table in Document(str(documents["paths"][key])).tables:
            rows = table._tbl.tr_lst
            assert rows[0].trPr.find(qn("w:tblHeader")) is not None
            assert all(row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None for row in rows)


def test_documents_use_official_fonts_and_heading_styles(documents):
    from docx.enum.style import WD_STYLE_TYPE

    for key, path in documents["paths"].items():
        document = Document(str(path))
        styles = document.styles.element
        defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
        normal = document.styles["Normal"].element.rPr.rFonts
        for fonts in (defaults, normal):
            assert fonts.get(qn("w:ascii")) == "Times New Roman" and fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
            assert fonts.get(qn("w:asciiTheme")) is None and "Calibri" not in str(fonts.attrib.values()), key
        for level, east_asia in enumerate(("黑体", "楷体_GB2312", "仿宋_GB2312")):
            style = document.styles[f"Heading {level + 1}"]
            assert style.type == WD_STYLE_TYPE.PARAGRAPH
            assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level)
            assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == east_asia and style.font.size.pt == 16
        title = document.styles["Title"]
        assert title.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体" and title.font.size.pt == 22
    report = Document(str(documents["paths"]["report"]))
    by_style = {p.text: p.style.name for p in report.paragraphs if p.text.strip()}
    assert by_style["一、规划实施总体进展情况"] == "Heading 1"
    assert by_style["（一）主要目标指标进展"] == "Heading 2"
    assert by_style["1. 单位国内生产总值生产安全事故死亡率下降（%）"] == "Heading 3"  # 附录一's first indicator
    assert report.paragraphs[1].style.name == "Title"
    letter = Document(str(documents["paths"]["clean"]))
    assert [p.text for p in letter.paragraphs if p.style.name == "Heading 1"] == ["一、指标评估结果"]
    assert [p.style.name for p in letter.paragraphs[-2:]] == ["Signature", "Date"]
    assert all(p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in letter.paragraphs[-2:])
    sheets = Document(str(documents["paths"]["sheets"]))
    assert [p.style.name for p in sheets.paragraphs[:3]] == ["Annex Label", "Annex Title", "Heading 2"]


def test_letters_use_full_width_colons_and_titles_that_keep_names_whole(documents):
    after_chinese = re.compile(r"[\u4e00-\u9fff）》”]:")
    letters = sorted((documents["folder"] / "反馈函").glob("*.docx"))
    assert len(letters) >= 45
    for path in letters:
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
        assert not after_chinese.search(text), path.name
    for key in ("rejected", "missing", "clean"):
        assert not after_chinese.search(documents["pdf"][key].text), key
        title = documents["pdf"][key].text.split("内部资料 注意保密")[1].split("反馈函")[0]
        assert [line.strip() for line in title.strip().splitlines()] == [
            "关于“十四五”安全生产、应急管理体系和",
            "能力建设规划总结评估报送情况的反馈函"[:-3],
        ]


def test_upward_xlsx_follows_the_official_columns(documents):
    (annex3,) = documents["folder"].glob("附件3_*(征求意见稿).xlsx")
    sheet = load_workbook(annex3).active
    assert sheet["A1"].value == "附件3"
    assert [c.value for c in sheet[3]] == [
        "序号",
        "规划指标内容",
        "规划目标",
        "规划属性",
        "2021年",
        "2022年",
        "2023年",
        "2024年",
        "2025年预测值",
        "前四年年均/累计",
        "五年年均/累计",
        "综合进度评价",
        "单位自评",
        "责任单位",
        "分析说明",
    ]
    first = [c.value for c in sheet[4]]
    # figures are numbers the office can sum and sort, shown with the report's decimals
    assert first[:4] == [1, "生产安全事故起数下降(%)", ">15", "约束性"] and first[7:12] == [
        16.6,
        18,
        16.6,
        18,
        "提前实现",
    ]
    assert sheet.cell(row=4, column=8).number_format == "0.0"
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.fitToWidth == 1


def test_body_length_is_counted_and_an_overlong_draft_is_flagged(documents, tmp_path):
    from planeval.reporting.summary import body_character_count, render_summary_report

    count = body_character_count(documents["paths"]["report"])
    assert 1500 < count < 5000  # the demo's 正文 stays within the notice's 5000 字: no warning printed
    assert "【提示】" not in documents["pdf"]["report"].text
    output, counted = render_summary_report(_minimal_context(), tmp_path / "long.docx", word_limit=100)
    text = ascii_marks("\n".join(p.text for p in Document(str(output)).paragraphs))
    assert counted > 100 and f"【提示】正文约{counted}字,超过通知要求的100字,请精简后报送。" in text


def _minimal_context() -> dict:
    row = {"seq": 1, "sentence": "示例" * 80, "name": "指标", "target": ">15", "attribute": "约束性"}
    row |= {"years": [], "to_date": "", "full_period": "", "rating": "", "responsible": ""}
    plan = {"summary": "概述", "groups": ["示例" * 80], "rows": [row], "short_name": "规划", "projects": []}
    plan |= {"forecast": ["预测"], "task_summary": "", "aspects": [], "projects_label": "重点工程"}
    plan |= {"annex": "附件3", "annex_label": "附件3", "title": "表", "year_headers": [], "to_date_header": ""}
    return {
        "title": "报告",
        "draft": True,
        "office": "办公室",
        "generated_on": "2025年6月16日",
        "data_cutoff": "2024年12月31日",
        "plans": [plan],
        "excerpts": {"measures": [], "achievements": [], "problems": [], "outlook": []},
        "achievements": [],
        "problem_groups": [{"heading": "(一)问题。", "lines": ["示例" * 40]}],
        "countermeasures": ["对策。"],
        "next_plan": [],
        "task_rows": [],
        "lagging": [],
        "conflicts": [],
        "disagreements": [],
        "no_data": [],
        "missing_units": [],
        "charts": [],
        "short_office": "市安委办",
        "length_warning": None,
    }


def _page_sizes(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    return re.findall(r"Page\s+\d+ size:\s+([\d.]+ x [\d.]+)", info)


def test_every_task_and_indicator_of_the_plans_is_in_the_report(documents):
    _settings, catalog, campaign = context.open_selection(context.select(year=2025))
    report = Document(str(documents["paths"]["report"]))
    cells = {ascii_marks(cell.text) for table in report.tables for row in table.rows for cell in row.cells}
    for plan in catalog.campaign_plans(campaign):
        assert len(plan.tasks) > 30
        for task in plan.tasks:  # 附录三, one row per task
            assert any(ascii_marks(task.title) in cell for cell in cells), task.code
        for code in plan.indicator_table.indicators:  # 附件3 / 附件4
            assert ascii_marks(catalog.indicator(code).name) in cells, code
    statuses = {ascii_marks(cell.text) for table in report.tables[:1] for row in table.rows[1:] for cell in row.cells}
    assert {"完成", "基本完成", "滞后"} <= statuses  # the demo's units report every kind of progress


def test_task_appendix_repeats_its_header_on_every_page(documents):
    pages = _pages(documents["pdf"]["report"])
    first = next(i for i, page in enumerate(pages) if "主要任务逐项评估表" in page)
    last = next(i for i, page in enumerate(pages) if "附件3" in squeeze(page) and "规划指标内容" in page)
    task_pages = pages[first:last]
    assert len(task_pages) >= 2  # the table runs over pages
    for page in task_pages:  # the header row opens every page of the table, its headings unbroken
        assert all(heading in page for heading in ("序号", "规划", "牵头单位", "评估结果", "评估依据")), page


def test_drafted_text_is_highlighted_in_the_draft_and_plain_in_the_final(documents):
    def highlighted(path: Path) -> list[str]:
        return [
            p.text for p in Document(str(path)).paragraphs if any(r.font.highlight_color is not None for r in p.runs)
        ]

    drafted = highlighted(documents["paths"]["report"])
    assert any(text.startswith("安全生产规划8个方面36项主要任务中") for text in drafted)
    assert any("“十五五”" in text for text in drafted)
    assert highlighted(documents["paths"]["final"]) == []
    final_text = "\n".join(p.text for p in Document(str(documents["paths"]["final"])).paragraphs)
    assert "\ue000" not in final_text and "\ue001" not in final_text
    draft_text = "\n".join(p.text for p in Document(str(documents["paths"]["report"])).paragraphs)
    assert "\ue000" not in draft_text and "\ue001" not in draft_text


def test_units_words_are_quoted_attributed_within_the_limit(documents):
    from planeval.reporting.summary import body_character_count

    report = Document(str(documents["paths"]["report"]))
    text = "\n".join(ascii_marks(p.text) for p in report.paragraphs)
    measures = text[text.index("(三)规划实施主要举措进展") : text.index("二、规划实施过程存在的主要问题和风险挑战")]
    quoted = [line for line in measures.splitlines()[1:] if re.match(r"^(市|演示)\S+?:", line)]
    assert quoted, measures  # the units' own words, each under its name
    assert body_character_count(documents["paths"]["report"]) <= 5000
    # the whole of every unit's text, and the units whose report lacks a section, in the office's working annex
    (annex,) = documents["folder"].glob("各单位总结评估报告汇编(工作稿)(征求意见稿).docx")
    annex_text = ascii_marks("\n".join(p.text for p in Document(str(annex)).paragraphs))
    assert "未述及“重大成就、重要经验和典型案例”:" in annex_text and "市文广旅局" in annex_text
    assert "已从正文剔除的内部批注和模板残留" in annex_text


def test_every_date_is_the_same_day_in_the_catalogs_time_zone(documents):
    from planeval.dates import chinese_date, today_in

    _settings, catalog, _campaign = context.open_selection(context.select(year=2025))
    today = chinese_date(today_in(catalog.timezone))
    for key in ("report", "final", "rejected", "missing", "clean"):
        dates = set(re.findall(r"办公室\s*(\d{4}年\d{1,2}月\d{1,2}日)", squeeze(documents["pdf"][key].text)))
        assert dates == {today}, (key, dates)
