"""Bootstrap the docxtpl templates under ``templates/``: the summary report, the reminder, the per-unit
feedback letter, the key-project tables (附件5/附件6) and the per-project sheet (附件2).

The committed .docx files are the source of truth and the office edits them in Word; run this only to
recreate them from scratch (``.venv/bin/python tools/build_templates.py``), then re-apply edits made in Word.

Formatting follows GB/T 9704-2012 (党政机关公文格式): A4, margins 37/35/28/26 mm, title 方正小标宋简体 二号,
body 仿宋_GB2312 三号 with a fixed 28 pt line, 黑体 / 楷体_GB2312 for first / second-level headings, digits
in Times New Roman, page numbers “— 1 —” in 宋体 四号 outside (odd pages right, even pages left). Fonts an
office PC may lack carry alternative names in the font table (仿宋, 楷体, 黑体, 宋体); docker/fonts.conf maps
them to Noto CJK for LibreOffice on servers.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"
PAGE_NUMBER_FONT, LATIN_FONT = "宋体", "Times New Roman"
# Word shows the alternative when the named font is missing (a PC without the GB2312 font pack)
ALTERNATIVE_FONTS = {BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", TITLE_FONT: "华文中宋", HEADING_FONT: "SimHei"}


def _font(run_or_style, name: str, size: float | None = None, bold: bool = False) -> None:
    """East-Asian text in ``name``, digits and Latin letters in Times New Roman (GB/T 9704 §7)."""
    font = run_or_style.font
    font.name = LATIN_FONT
    font.bold = bold
    if size:
        font.size = Pt(size)
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), name)


def _page_setup(section, landscape: bool = False) -> None:
    """A4 with the GB/T 9704 margins (turned with the page for landscape annex tables)."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)  # the number sits 7 mm below the text block (35 mm − 7 mm)


def _page_number(paragraph) -> None:
    """“— 1 —”: em dashes around a PAGE field, 宋体 四号 (14 pt)."""
    paragraph.add_run("— ")
    begin, instruction, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    field = paragraph.add_run()
    field._r.append(begin)
    field._r.append(instruction)
    field._r.append(end)
    paragraph.add_run(" —")
    for run in paragraph.runs:
        _font(run, PAGE_NUMBER_FONT, 14)


def _footers(document, section) -> None:
    """Page numbers outside: right on odd pages, left on even pages, one character in from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_number(even)


def _draft_header(section) -> None:
    """A draft says so on every page, so a printed page cannot pass for the final text."""
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(paragraph.add_run("{% if draft %}征求意见稿{% endif %}"), HEADING_FONT, 12)


def _alternative_font_names(document) -> None:
    """Add the named fonts to the font table with an alternative name Word falls back to."""
    font_table = next(
        (rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")), None
    )
    if font_table is None:
        return
    from lxml import etree

    root = etree.fromstring(font_table.blob)
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, alternative in ALTERNATIVE_FONTS.items():
        font = etree.SubElement(root, f"{{{namespace}}}font", {f"{{{namespace}}}name": name})
        etree.SubElement(font, f"{{{namespace}}}altName", {f"{{{namespace}}}val": alternative})
        etree.SubElement(font, f"{{{namespace}}}charset", {f"{{{namespace}}}val": "86"})  # GB2312
    font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def official_document(draft_header: bool = False):
    """A new GB/T 9704 document: A4, margins, body font, page numbers, alternative font names."""
    document = Document()
    _font(document.styles["Normal"], BODY_FONT, 16)
    section = document.sections[0]
    _page_setup(section)
    _footers(document, section)
    if draft_header:
        _draft_header(section)
    _alternative_font_names(document)
    return document


def _heading(document, text: str, level: int = 1):
    """一、 in 黑体, (一) in 楷体_GB2312, as body-size lines (GB/T 9704 §7.3.3)."""
    return _paragraph(document, text, font=HEADING_FONT if level == 1 else SUBHEADING_FONT)


def _annex_label(document, text: str) -> None:
    """附件N at the top left in 黑体 三号, as GB/T 9704 §8.2 places it."""
    _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.LEFT, font=HEADING_FONT, indent=False)


BODY_LINE = Pt(28)  # GB/T 9704: 22 lines of 28 characters a page, i.e. a fixed 28 pt line


def _paragraph(
    document,
    text: str,
    *,
    style: str | None = None,
    align=None,
    font=BODY_FONT,
    size=16.0,
    bold=False,
    indent=True,
    line_spacing=BODY_LINE,
):
    """A paragraph in the body font on the fixed 28 pt line; ``line_spacing=None`` for one holding an image
    (a fixed line clips an inline picture to the line's height, in Word and in LibreOffice alike)."""
    paragraph = document.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if indent and align is None:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    if line_spacing is not None:
        paragraph.paragraph_format.line_spacing = line_spacing
    run = paragraph.add_run(text)
    _font(run, font, size, bold)
    return paragraph


def _attachment_line(document, text: str, hanging_chars: float) -> None:
    """One line of the 附件说明: names start 5¾ characters in (2 in, “附件:” 3, “N.” ¾ in Times New Roman);
    the line itself starts ``hanging_chars`` before that."""
    line = _paragraph(document, text, indent=False)
    line.paragraph_format.left_indent = Pt(16 * 5.75)
    line.paragraph_format.first_line_indent = Pt(-16 * hanging_chars)


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
    """The municipal summary report in the framework of 附件1, then the annexes: the lagging-indicator
    analysis, the trend charts and the filled 附件3/附件4 on landscape pages."""
    document = official_document(draft_header=True)

    _paragraph(document, "内部资料 注意保密", align=WD_ALIGN_PARAGRAPH.LEFT, font=HEADING_FONT, indent=False)
    _paragraph(document, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=22)
    _paragraph(document, "{% if draft %}(征求意见稿){% endif %}", align=WD_ALIGN_PARAGRAPH.CENTER, font=SUBHEADING_FONT)
    _paragraph(document, "{{ office }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=SUBHEADING_FONT)
    _control(document, "{%p if length_warning %}")
    _paragraph(document, "【提示】{{ length_warning }}", font=HEADING_FONT, size=12, indent=False)
    _control(document, "{%p endif %}")

    _heading(document, "一、规划实施总体进展情况")
    _heading(document, "(一)主要目标指标进展", 2)
    _paragraph(document, "年度数据截至{{ data_cutoff }}。")
    _control(document, "{%p for plan in plans %}")
    _paragraph(document, "{{ plan.summary }}")
    _control(document, "{%p for row in plan.rows %}")
    _paragraph(document, "{{ row.seq }}. {{ row.sentence }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endfor %}")

    _heading(document, "(二)主要任务进展", 2)
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

    _heading(document, "(三)规划实施主要举措进展", 2)
    _paragraph(document, "{{ intake }}")

    _heading(document, "二、规划实施过程存在的主要问题和风险挑战")
    _control(document, "{%p if lagging %}")
    _paragraph(document, "经测算,有{{ lagging|length }}项指标进度滞后于预期(逐项分析见附录一):")
    _control(document, "{%p for item in lagging %}")
    _paragraph(
        document, "{{ loop.index }}. {{ item.name }}({{ item.plan }},责任单位:{{ item.responsible }}):{{ item.gap }}"
    )
    _control(document, "{%p endfor %}")
    _control(document, "{%p else %}")
    _paragraph(document, "经测算,已报数据的指标均未出现滞后。")
    _control(document, "{%p endif %}")
    _control(document, "{%p if conflicts %}")
    _paragraph(document, "以下指标的数据来源之间不一致,请{{ short_office }}核实:")
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

    _heading(document, "三、规划目标任务完成情况预测及对策建议")
    _control(document, "{%p for plan in plans %}")
    _control(document, "{%p for line in plan.forecast %}")
    _paragraph(document, "{{ line }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p for item in lagging %}")
    _paragraph(document, "{{ item.suggestion }}")
    _control(document, "{%p endfor %}")
    # 附件说明 (GB/T 9704 §7.3.6): one blank line under the body, 2 characters in “附件:1.…”, each further
    # “N.…” under the first one's number, a long name wrapping under its own first character
    _control(document, "{%p if attachments %}")
    _paragraph(document, "")
    _attachment_line(document, "附件:{{ attachments[0] }}", hanging_chars=3.75)
    _control(document, "{%p for attachment in attachments[1:] %}")
    _attachment_line(document, "{{ attachment }}", hanging_chars=0.75)
    _control(document, "{%p endfor %}")
    _control(document, "{%p endif %}")
    _paragraph(document, "")
    _paragraph(document, "{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, "{{ generated_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    # 附录一 / 附录二 belong to this report; 附件N keeps the notice's numbering across the document set
    # (附件2 sheets, 附件3/4 tables, 附件5/6 tables), so the two never share a label.
    # 附录一: every lagging indicator, its gap to 序时进度 and the unit's own analysis
    document.add_page_break()
    _annex_label(document, "附录一")
    _paragraph(document, "滞后预期指标分析", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=18)
    _control(document, "{%p for item in lagging %}")
    _heading(document, "{{ loop.index }}. {{ item.name }}", 2)
    _paragraph(document, "所属规划:{{ item.plan }};规划目标:{{ item.target }};责任单位:{{ item.responsible }}。")
    _paragraph(document, "进度测算:{{ item.gap }}")
    _paragraph(document, "{{ item.trend }}")
    _paragraph(document, "责任单位分析说明:{{ item.analysis }}")
    _paragraph(document, "对策建议:{{ item.suggestion }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p if not lagging %}")
    _paragraph(document, "本期无滞后预期指标。")
    _control(document, "{%p endif %}")

    # 附录二: one trend chart per indicator
    document.add_page_break()
    _annex_label(document, "附录二")
    _paragraph(document, "主要指标趋势图", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=18)
    _control(document, "{%p for chart in charts %}")
    _paragraph(document, "{{ chart.image }}", align=WD_ALIGN_PARAGRAPH.CENTER, line_spacing=None)
    _control(document, "{%p endfor %}")

    annex = document.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(annex, landscape=True)
    _control(document, "{%p for plan in plans %}")
    _annex_label(document, "{{ plan.annex_label }}")
    _paragraph(document, "{{ plan.title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=18)
    _indicator_table(document)
    _paragraph(document, "注:综合进度评价为按序时进度测算的结果,括号内为责任单位自评。", size=12, indent=False)
    _control(document, "{%p endfor %}")

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def build_reminder(path: Path) -> Path:
    """催报通知: one per unit still missing (or with rejected uploads only) after a monitor run."""
    document = official_document()
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


def _loop_table(document, headers: list[str], cells: list[str], loop: str, widths_mm: list[float]) -> None:
    """A table with a header row and one templated row repeated by ``{%tr for … %}``."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, text in enumerate(headers):
        table.cell(0, index).text = text
        table.cell(2, index).text = cells[index]
    table.cell(1, 0).text = f"{{%tr {loop} %}}"
    table.cell(3, 0).text = "{%tr endfor %}"
    table.autofit = False
    for index, grid_column in enumerate(table._tbl.tblGrid.findall(qn("w:gridCol"))):
        grid_column.set(qn("w:w"), str(int(Mm(widths_mm[index]).twips)))  # LibreOffice reads the grid
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[index])
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    _font(run, BODY_FONT, 12, bold=row is table.rows[0])


def build_feedback_letter(path: Path) -> Path:
    """反馈函: to one reporting unit — its indicators and ratings, its rejected files and why, what is missing."""
    document = official_document(draft_header=True)
    _paragraph(document, "内部资料 注意保密", align=WD_ALIGN_PARAGRAPH.LEFT, font=HEADING_FONT, indent=False)
    _paragraph(document, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=22)
    _paragraph(document, "{{ unit_name }}:", indent=False)
    _paragraph(document, "{{ opening }}")
    _control(document, "{%p if indicators %}")
    _heading(document, "一、指标评估结果")
    _paragraph(document, "贵单位负责填报的{{ indicators|length }}项指标,按序时进度测算的结果如下:")
    _control(document, "{%p for item in indicators %}")
    _paragraph(document, "{{ loop.index }}. {{ item.name }}:{{ item.rating }}。{{ item.reason }}{{ item.note }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endif %}")
    _control(document, "{%p if rejected %}")
    _heading(document, "{{ rejected_heading }}")
    _control(document, "{%p for file in rejected %}")
    _paragraph(document, "{{ loop.index }}. 《{{ file.name }}》({{ file.received }}收到)未通过校验,原因如下:")
    _control(document, "{%p for error in file.errors %}")
    _paragraph(document, "({{ loop.index }}){{ error }}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endif %}")
    _control(document, "{%p if missing %}")
    _heading(document, "{{ missing_heading }}")
    _control(document, "{%p for item in missing %}")
    _paragraph(document, "{{ loop.index }}. {{ item.form_label }}(截止日期:{{ item.due }}):{{ item.state }}。")
    _control(document, "{%p endfor %}")
    _control(document, "{%p endif %}")
    _paragraph(document, "{{ closing }}")
    _paragraph(document, "")
    _paragraph(document, "{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def build_project_tables(path: Path) -> Path:
    """附件5 / 附件6: the key-project progress tables, filled, on landscape pages."""
    document = official_document(draft_header=True)
    _page_setup(document.sections[0], landscape=True)
    _control(document, "{%p for table in tables %}")
    _annex_label(document, "{{ table.annex }}")
    _paragraph(document, "{{ table.title }}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=18)
    _paragraph(document, "(进展截至{{ cutoff }})", align=WD_ALIGN_PARAGRAPH.CENTER, font=SUBHEADING_FONT, size=14)
    _loop_table(
        document,
        ["序号", "任务名称", "任务细化分解", "进展情况", "主要成果", "责任单位"],
        [
            "{{ row.seq }}",
            "{{ row.name }}",
            "{{ row.content }}",
            "{{ row.progress }}",
            "{{ row.results }}",
            "{{ row.responsible }}",
        ],
        "for row in table.rows",
        [12, 40, 60, 55, 40, 25],
    )
    _control(document, "{%p if not loop.last %}")
    _paragraph(document, "{{ page_break }}", indent=False)
    _control(document, "{%p endif %}")
    _control(document, "{%p endfor %}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def build_project_sheet(path: Path) -> Path:
    """附件2: one page per key project in the notice's free-text template, blanks left for the office."""
    document = official_document(draft_header=True)
    _control(document, "{%p for p in projects %}")
    _annex_label(document, "{{ annex }}")
    _paragraph(
        document, "{{ p.plan_title }}重点工程项目单片材料", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=18
    )
    _heading(document, "{{ p.name }}", 2)
    _paragraph(
        document,
        "{{ p.name }}项目,主要建设内容{{ p.content }},计划总投资{{ p.planned_investment }},截至目前已完成投资"
        "{{ p.invested }}。项目于{{ p.started }}开工建设,当前进展:{{ p.progress }},计划(已)于{{ p.due }}竣工。",
    )
    _paragraph(document, "责任单位:{{ p.responsible }}。")
    _paragraph(document, "项目当前存在的困难问题:{{ p.problems }}")
    _paragraph(document, "项目建成后预期成效:{{ p.results }}")
    _control(document, "{%p if not loop.last %}")
    _paragraph(document, "{{ page_break }}", indent=False)
    _control(document, "{%p endif %}")
    _control(document, "{%p endfor %}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build_summary_report(TEMPLATES / "summary_report.docx"))
    print(build_reminder(TEMPLATES / "reminder.docx"))
    print(build_feedback_letter(TEMPLATES / "feedback_letter.docx"))
    print(build_project_tables(TEMPLATES / "project_tables.docx"))
    print(build_project_sheet(TEMPLATES / "project_sheet.docx"))
