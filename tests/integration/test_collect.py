"""Collection and validation on real files, the real file system, real GX and the SQLite warehouse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document
from helpers import filled_form, header_column, row_of
from sqlalchemy import create_engine, text

from planeval.intake.archive import sha256_of
from planeval.stages import collect


def drop(inboxes: Path, unit: str, source: Path, name: str | None = None) -> Path:
    target = inboxes / unit / "inbox" / (name or source.name)
    shutil.copyfile(source, target)
    return target


def receipt(inboxes: Path, unit: str, name: str) -> dict:
    return json.loads((inboxes / unit / "receipts" / f"{name}.json").read_text(encoding="utf-8"))


def errors_of(data: dict) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(e["code"], e["sheet"], e["row"], e["column"]) for e in data["errors"]]


def test_good_file_is_archived_byte_for_byte_accepted_and_staged(inboxes, home, catalog, campaign, tmp_path):
    source = filled_form(catalog, campaign, "emergency", tmp_path)
    drop(inboxes, "emergency", source, "应急局报表.xlsx")
    summary = collect.run_collect()
    assert [(s["unit_code"], s["status"]) for s in summary] == [("emergency", "accepted")]
    data = receipt(inboxes, "emergency", "应急局报表.xlsx")
    assert data["status"] == "accepted" and data["errors"] == [] and data["file"] == "应急局报表.xlsx"
    assert data["sha256"] == sha256_of(source.read_bytes())
    assert not any((inboxes / "emergency" / "inbox").iterdir())
    archived = list((home / "archive" / "emergency").iterdir())
    assert len(archived) == 1 and archived[0].read_bytes() == source.read_bytes()
    text_receipt = (inboxes / "emergency" / "receipts" / "应急局报表.xlsx.txt").read_text(encoding="utf-8")
    assert "报送单位:市应急管理局" in text_receipt and "已受理" in text_receipt
    engine = create_engine(f"sqlite:///{home / 'warehouse.db'}")
    with engine.connect() as connection:
        value = connection.execute(
            text(
                "SELECT value, cell FROM submission_value WHERE indicator_code='accident_count_decline' "
                "AND plan_code='safety' AND year=2024"
            )
        ).one()
        rows = connection.execute(text("SELECT count(*) FROM submission_indicator")).scalar()
    assert value == (16.6, "附件3!H3")
    assert rows == 6 + 11  # its 附件3 rows and its 附件4 rows


def _set(sheet_name: str, label: str, header: str, value):
    def edit(workbook):
        sheet = workbook[sheet_name]
        # .value, not cell(value=None): openpyxl ignores a None passed to cell()
        sheet.cell(row=row_of(sheet, label), column=header_column(sheet, header)).value = value

    return edit


BAD_CASES = {
    "not_a_number": (
        "emergency",
        _set("附件3", "生产安全事故起数下降(%)", "2024年", "约两成"),
        ("not_a_number", "附件3", 3, "H"),
        "“2024年”应填写数字,实际填写为“约两成”",
    ),
    "invalid_rating": (
        "emergency",
        _set("附件3", "生产安全事故起数下降(%)", "综合进度评价", "基本完成"),
        ("invalid_rating", "附件3", 3, "L"),
        "实际填写为“基本完成”",
    ),
    "missing_rating": (
        "fire_rescue",
        _set("附件4", "新增专职消防人员", "综合进度评价", None),
        ("missing_rating", "附件4", 4, "L"),
        "新增专职消防人员”未填写综合进度评价",
    ),
    "rate_above_100": (
        "emergency",
        _set("附件3", "工业企业较大以上安全风险报告率(%)", "2023年", 120),
        ("above_range", "附件3", 7, "G"),
        "超出允许的最大值 100",
    ),
    "decline_above_100": (
        "emergency",
        _set("附件4", "生产安全事故死亡人数下降(%)", "2022年", 130),
        ("above_range", "附件4", 4, "F"),
        "填写的 130 超出允许的最大值 100",
    ),
    "negative_rate": (
        "meteorology",
        _set("附件4", "气象灾害预警信息公众覆盖率(%)", "2021年", -3),
        ("below_range", "附件4", 3, "E"),
        "小于允许的最小值 0",
    ),
    "missing_data_year": (
        "education_sports",
        _set("附件4", "学校安全教育普及率(%)", "2024年", None),
        ("missing_data_year", "附件4", 3, "H"),
        "缺少2024年数据(年度数据截至2024-12-31)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_cell_is_rejected_naming_sheet_row_and_column(case, inboxes, catalog, campaign, tmp_path):
    unit, edit, expected, message = BAD_CASES[case]
    source = filled_form(catalog, campaign, unit, tmp_path, edit=edit)
    drop(inboxes, unit, source, f"{case}.xlsx")
    collect.run_collect()
    data = receipt(inboxes, unit, f"{case}.xlsx")
    assert data["status"] == "rejected"
    assert expected in errors_of(data)
    assert any(message in e["message"] for e in data["errors"]), data["errors"]


def _duplicate_first_row(workbook):
    sheet = workbook["附件3"]
    sheet.insert_rows(4)
    for column in range(1, sheet.max_column + 1):
        sheet.cell(row=4, column=column, value=sheet.cell(row=3, column=column).value)


def _add_row_of_another_unit(workbook):
    sheet = workbook["附件4"]
    row = 3
    while sheet.cell(row=row, column=2).value:
        row += 1
    values = [9, "新增专职消防人员", "≥400", "预期性", 70, 85, 90, 80, 90, None, None, "符合预期", "消防救援"]
    sheet.insert_rows(row)
    for column, value in enumerate(values, start=1):
        sheet.cell(row=row, column=column, value=value)


def _rename_indicator(workbook):
    workbook["附件3"].cell(row=3, column=2, value="生产安全事故总数")


def _drop_rating_header(workbook):
    sheet = workbook["附件3"]
    sheet.cell(row=2, column=header_column(sheet, "综合进度评价"), value="评价意见")


def _disagree_between_annexes(workbook):
    sheet = workbook["附件4"]
    sheet.cell(row=row_of(sheet, "生产安全事故起数下降(%)"), column=header_column(sheet, "2024年"), value=14)


ROW_CASES = {
    "duplicate_indicator": (_duplicate_first_row, ("duplicate_indicator", "附件3", 4, "B")),
    "not_responsible": (_add_row_of_another_unit, ("not_responsible", "附件4", 14, "B")),
    "unknown_indicator": (_rename_indicator, ("unknown_indicator", "附件3", 3, "B")),
    "missing_column": (_drop_rating_header, ("missing_column", "附件3", None, None)),
    "inconsistent_indicator": (_disagree_between_annexes, ("inconsistent_indicator", "附件4", 3, "B")),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_bad_rows_and_columns_are_rejected(case, inboxes, catalog, campaign, tmp_path):
    edit, expected = ROW_CASES[case]
    source = filled_form(catalog, campaign, "emergency", tmp_path, edit=edit)
    drop(inboxes, "emergency", source, f"{case}.xlsx")
    collect.run_collect()
    data = receipt(inboxes, "emergency", f"{case}.xlsx")
    assert data["status"] == "rejected"
    assert expected in errors_of(data), data["errors"]


def test_missing_column_message_names_the_header(inboxes, catalog, campaign, tmp_path):
    source = filled_form(catalog, campaign, "emergency", tmp_path, edit=_drop_rating_header)
    drop(inboxes, "emergency", source, "x.xlsx")
    collect.run_collect()
    assert "缺少必填列“综合进度评价”" in [e["message"] for e in receipt(inboxes, "emergency", "x.xlsx")["errors"]]


def test_tidied_numbers_are_notices_and_an_explained_rising_figure_is_accepted(inboxes, catalog, campaign, tmp_path):
    def edit(workbook):
        _set("附件4", "气象灾害预警信息公众覆盖率(%)", "2023年", "９６%")(workbook)

    source = filled_form(catalog, campaign, "meteorology", tmp_path, edit=edit)
    drop(inboxes, "meteorology", source, "w.xlsx")
    fishing = "渔业船舶生产安全事故死亡人数累计下降(%)"
    rising = filled_form(
        catalog,
        campaign,
        "agriculture",
        tmp_path,
        edit=lambda workbook: [
            _set("附件3", fishing, "2021年", -12.5)(workbook),
            _set("附件3", fishing, "上报说明", "2021年渔船事故死亡人数较2020年增加,已核实")(workbook),
        ],
    )
    drop(inboxes, "agriculture", rising, "r.xlsx")
    collect.run_collect()
    warned = receipt(inboxes, "meteorology", "w.xlsx")
    assert warned["status"] == "accepted"
    assert warned["warnings"] == []
    assert [(w["code"], w["column"], w["row"]) for w in warned["notices"]] == [("normalised_number", "G", 3)]
    rose = receipt(inboxes, "agriculture", "r.xlsx")
    assert rose["status"] == "accepted", rose["errors"]
    (negative,) = [w for w in rose["warnings"] if w["code"] == "negative_decline" and w["column"] == "E"]
    assert "上升" in negative["message"] and negative["explanation"] == "2021年渔船事故死亡人数较2020年增加,已核实"


def test_broken_and_foreign_files_are_rejected_kept_and_never_block_the_batch(
    inboxes, home, catalog, campaign, tmp_path
):
    corrupt = tmp_path / "坏文件.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a workbook")
    drop(inboxes, "emergency", corrupt)
    renamed = tmp_path / "报告.docx"
    renamed.write_text("纯文本,不是 Word 文档", encoding="utf-8")
    drop(inboxes, "finance", renamed)
    empty = tmp_path / "空报告.docx"
    Document().save(str(empty))
    drop(inboxes, "town_01", empty)
    pdf = tmp_path / "扫描件.pdf"
    pdf.write_bytes(b"%PDF-1.4 scanned")
    drop(inboxes, "water", pdf)
    good = filled_form(catalog, campaign, "fire_rescue", tmp_path)
    drop(inboxes, "fire_rescue", good)
    (inboxes / "fire_rescue" / "inbox" / "~$fire_rescue.xlsx").write_bytes(b"lock")
    (inboxes / "fire_rescue" / "inbox" / "copying.xlsx.part").write_bytes(b"half")

    summary = {s["file"]: s["status"] for s in collect.run_collect()}
    assert summary == {
        "坏文件.xlsx": "rejected",
        "报告.docx": "rejected",
        "空报告.docx": "rejected",
        "扫描件.pdf": "rejected",
        "fire_rescue.xlsx": "accepted",
    }
    assert errors_of(receipt(inboxes, "emergency", "坏文件.xlsx"))[0][0] == "unreadable_file"
    assert errors_of(receipt(inboxes, "finance", "报告.docx"))[0][0] == "unreadable_document"
    assert errors_of(receipt(inboxes, "town_01", "空报告.docx"))[0][0] == "empty_document"
    pdf_error = receipt(inboxes, "water", "扫描件.pdf")["errors"][0]
    assert pdf_error["code"] == "unsupported_type" and "“.pdf”" in pdf_error["message"]
    for unit, source in (("emergency", corrupt), ("finance", renamed), ("water", pdf)):
        kept = list((home / "archive" / unit).iterdir())
        assert [p.read_bytes() for p in kept] == [source.read_bytes()]
    # lock and partial files are left alone for the next pass
    assert sorted(p.name for p in (inboxes / "fire_rescue" / "inbox").iterdir()) == [
        "copying.xlsx.part",
        "~$fire_rescue.xlsx",
    ]


def test_several_units_are_validated_in_one_batch(inboxes, catalog, campaign, tmp_path):
    for unit in ("emergency", "fire_rescue", "transport", "public_security"):
        drop(inboxes, unit, filled_form(catalog, campaign, unit, tmp_path))
    bad = filled_form(
        catalog,
        campaign,
        "housing",
        tmp_path,
        name="housing_bad.xlsx",
        edit=_set("附件3", "建筑施工生产安全事故死亡人数累计下降(%)", "2022年", "八"),
    )
    drop(inboxes, "housing", bad)
    summary = collect.run_collect()
    assert sorted((s["unit_code"], s["status"]) for s in summary) == [
        ("emergency", "accepted"),
        ("fire_rescue", "accepted"),
        ("housing", "rejected"),
        ("public_security", "accepted"),
        ("transport", "accepted"),
    ]
    assert errors_of(receipt(inboxes, "housing", "housing_bad.xlsx")) == [("not_a_number", "附件3", 3, "F")]
