"""What a received file turned out to be: read as the form its extension suggests, then named by the tables
found in it.

May import: planeval.catalog, planeval.records and the modules of planeval.intake below it.
"""

from __future__ import annotations

from pathlib import Path

from planeval.catalog import Campaign, Catalog
from planeval.intake.cells import ParsedWorkbook
from planeval.intake.documents import check_document
from planeval.intake.readers import parse_workbook
from planeval.records import Issue, Received


def read_submission(
    catalog: Catalog, campaign: Campaign, received: Received
) -> tuple[ParsedWorkbook | None, list[Issue]]:
    """A workbook's tables, or a Word report's own check; any other type is refused with the types accepted."""
    path = Path(received.archive_path)
    if received.form == "indicator_table":
        return parse_workbook(catalog, campaign, path), []
    if received.form == "summary_report":
        return None, check_document(path)
    report = catalog.forms.summary_report  # a catalog may collect no Word report (wenling)
    accepted = "、".join(sorted({".xlsx", ".xls", ".csv", *(report.extensions if report else ())}))
    return None, [Issue("unsupported_type", f"不支持的文件类型“{path.suffix or '无扩展名'}”,请报送 {accepted} 文件")]


def detected_form(received: Received, workbook: ParsedWorkbook | None) -> str:
    """The form a file turned out to be: the tables found in it decide, else the form whose table it
    resembles (a truncated form, rejected), else the extension."""
    tables = {sheet.table for sheet in workbook.sheets} if workbook else set()
    if not tables and workbook is not None and workbook.closest_table is not None:
        return workbook.closest_table
    for table, form in (("indicator", "indicator_table"), ("project", "indicator_table"), ("task", "task_table")):
        if table in tables:
            return form
    if "contacts" in tables:
        return "contacts"
    if "figures" in tables:  # a town's 基础数据表 on its own (departments send it inside the indicator form)
        return "figures_table"
    return received.form
