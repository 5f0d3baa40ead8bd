"""Bootstrap ``templates/summary_report.docx``, the docxtpl template of the municipal report.

The committed .docx is the source of truth and the office edits it in Word; run this only to recreate
it from scratch (``.venv/bin/python tools/build_templates.py``), then re-apply any edits made in Word.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"


def _font(run_or_style, name: str, size: float | None = None, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = name
    font.bold = bold
    if size:
        font.size = Pt(size)
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def _paragraph(
    document, text: str, *, style: str | None = None, align=None, font=BODY_FONT, size=16.0, bold=False, indent=True
):
    paragraph = document.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if indent and align is None:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    run = paragraph.add_run(text)
    _font(run, font, size, bold)
    return paragraph


def _control(document, tag: str) -> None:
    """A paragraph holding only a docxtpl ``{%p … %}`` tag (removed on render)."""
    document.add_paragraph(tag)


def _indicator_table(document) -> None:
    # docxtpl replaces a whole cell holding a {%tc %} tag: the loop's tags sit in cells of their own.
    headers = [
        "序号",
        "规划指标内容",
        "规划目标",
        "规划属性",
        "{%tc for h in plan.year_headers %}",
        "{{ h }}",
        "{%tc endfor %}",
        "{{ plan.to_date_header }}",
        "五年年均/累计",
        "综合进度评价",
        "责任单位",
    ]
    cells = [
        "{{ row.seq }}",
        "{{ row.name }}",
        "{{ row.target }}",
        "{{ row.attribute }}",
        "{%tc for v in row.years %}",
        "{{ v }}",
        "{%tc endfor %}",
        "{{ row.to_date }}",
        "{{ row.full_period }}",
        "{{ row.rating }}",
        "{{ row.responsible }}",
    ]
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, text in enumerate(headers):
        table.cell(0, index).text = text
        table.cell(2, index).text = cells[index]
    table.cell(1, 0).text = "{%tr for row in plan.rows %}"
    table.cell(3, 0).text = "{%tr endfor %}"
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in paragraph.runs:
                    _font(run, BODY_FONT, 10.5, bold=row is table.rows[0])


def build_summary_report(path: Path) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, 16)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    _paragraph(document, "内部资料 注意保密", align=WD_ALIGN_PARAGRAPH.LEFT, font=HEADING_FONT, size=14)
    _paragraph(document, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=22)
    _paragraph(document, "{% if draft %}(征求意见稿){% endif %}", align=WD_ALIGN_PARAGRAPH.CENTER, font=SUBHEADING_FONT)
    _paragraph(document, "{{ office }}  {{ generated_on }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=SUBHEADING_FONT)

    _paragraph(document, "一、规划实施总体进展情况", font=HEADING_FONT)
    _paragraph(document, "(一)主要目标指标进展", font=SUBHEADING_FONT)
    _paragraph(document, "年度数据截至{{ data_cutoff }}。")
    _control(document, "{%p for plan in plans %}")
    _paragraph(document, "{{ plan.summary }}")
    _control(document, "{%p for row in plan.rows %}")
    _paragraph(document, "{{ row.seq }}. {{ row.sentence }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endfor %}")

    _paragraph(document, "(二)主要任务进展", font=SUBHEADING_FONT)
    _control(document, "{%p for plan in plans %}")
    _paragraph(document, "{{ plan.short_name }}重点工程实施情况:")
    _control(document, "{%p for p in plan.projects %}")
    _paragraph(
        document,
        "{{ loop.index }}. {{ p.name }}(责任单位:{{ p.responsible }})。进展情况:{{ p.progress }}。"
        "主要成果:{{ p.results }}",
    )
    _control(document, "{%p endfor %}")
    _control(document, "{%p endfor %}")

    _paragraph(document, "(三)规划实施主要举措进展", font=SUBHEADING_FONT)
    _paragraph(document, "{{ intake }}")

    _paragraph(document, "二、规划实施过程存在的主要问题和风险挑战", font=HEADING_FONT)
    _control(document, "{%p if lagging %}")
    _paragraph(document, "经测算,有{{ lagging|length }}项指标进度滞后于预期:")
    _control(document, "{%p for item in lagging %}")
    _paragraph(
        document,
        "{{ loop.index }}. {{ item.name }}({{ item.plan }},责任单位:{{ item.responsible }}):"
        "{{ item.reason }}。分析说明:{{ item.analysis }}",
    )
    _control(document, "{%p endfor %}")
    _control(document, "{%p else %}")
    _paragraph(document, "经测算,已报数据的指标均未出现滞后。")
    _control(document, "{%p endif %}")
    _control(document, "{%p if conflicts %}")
    _paragraph(document, "以下指标的多个责任单位填报数据不一致,请{{ short_office }}核实:")
    _control(document, "{%p for item in conflicts %}")
    _paragraph(document, "{{ item.name }}:{{ item.detail }}。")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endif %}")
    _control(document, "{%p if disagreements %}")
    _paragraph(document, "以下指标责任单位自评与按序时进度测算的结果不一致,请{{ short_office }}核定:")
    _control(document, "{%p for item in disagreements %}")
    _paragraph(
        document,
        "{{ loop.index }}. {{ item.name }}(责任单位:{{ item.responsible }}):自评“{{ item.self_rating }}”,"
        "理由:{{ item.self_reason }};测算“{{ item.computed }}”,依据:{{ item.computed_reason }}。",
    )
    _control(document, "{%p endfor %}")
    _control(document, "{%p endif %}")
    _control(document, "{%p if no_data %}")
    _paragraph(document, "以下指标尚无已受理的数据:{{ no_data|join('、') }}。")
    _control(document, "{%p endif %}")
    _control(document, "{%p if missing_units %}")
    _paragraph(document, "尚未报送或报送未通过校验的单位:{{ missing_units|join('、') }}。")
    _control(document, "{%p endif %}")

    _paragraph(document, "三、规划目标任务完成情况预测及对策建议", font=HEADING_FONT)
    _control(document, "{%p for plan in plans %}")
    _control(document, "{%p for line in plan.forecast %}")
    _paragraph(document, "{{ line }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p for item in lagging %}")
    _paragraph(document, "{{ item.suggestion }}")
    _control(document, "{%p endfor %}")

    annex = document.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    annex.top_margin, annex.bottom_margin = Mm(28), Mm(26)
    annex.left_margin, annex.right_margin = Mm(37), Mm(35)
    _control(document, "{%p for plan in plans %}")
    _paragraph(document, "{{ plan.annex }}", align=WD_ALIGN_PARAGRAPH.LEFT, font=HEADING_FONT)
    _paragraph(document, "{{ plan.title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=18)
    _indicator_table(document)
    _paragraph(document, "注:综合进度评价为按序时进度测算的结果,括号内为责任单位自评。", size=12, indent=False)
    _control(document, "{%p endfor %}")

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _a4_document() -> Document:
    document = Document()
    _font(document.styles["Normal"], BODY_FONT, 16)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    return document


def build_reminder(path: Path) -> Path:
    """催报通知: one per unit still missing (or with rejected uploads only) after a monitor run."""
    document = _a4_document()
    _paragraph(document, "催报通知", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=22)
    _paragraph(document, "{{ unit_name }}:", indent=False)
    _paragraph(
        document,
        "根据{{ notice }}要求,贵单位应按时报送有关材料。截至{{ as_of }},我办尚未收到贵单位下列材料,"
        "或所报材料未通过校验:",
    )
    _control(document, "{%p for item in items %}")
    _paragraph(document, "{{ loop.index }}. {{ item.form_label }}(截止日期:{{ item.due }}):{{ item.state }}")
    _control(document, "{%p endfor %}")
    _paragraph(
        document,
        "请尽快将材料放入本单位报送文件夹({{ inbox }}),系统收到后将自动生成回执。已报送但被退回的,"
        "请按回执所列错误修改后重新报送。",
    )
    _paragraph(document, "{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ as_of }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build_summary_report(TEMPLATES / "summary_report.docx"))
    print(build_reminder(TEMPLATES / "reminder.docx"))
