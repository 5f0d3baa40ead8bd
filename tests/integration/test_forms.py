from __future__ import annotations

import json

from helpers import ANNEX_HEADERS
from openpyxl import load_workbook

from planeval.catalog.layouts import indicator_layout
from planeval.intake.unit_forms import write_unit_form
from planeval.stages import setup
from planeval.ui.cli import main


def test_layout_follows_annex_columns_with_years_from_the_campaign(catalog, campaign):
    headers = [c.header for c in indicator_layout(catalog, catalog.plan("safety"), campaign)]
    assert headers == [*ANNEX_HEADERS, "分析说明", "上报说明"]
    earlier = campaign.model_copy(update={"data_cutoff": campaign.data_cutoff.replace(year=2023)})
    headers = [c.header for c in indicator_layout(catalog, catalog.plan("safety"), earlier)]
    assert "2024年" not in headers and "前三年年均/累计" in headers


def test_emergency_form_has_only_its_rows_with_official_numbers_and_a_rating_dropdown(catalog, campaign, tmp_path):
    path = write_unit_form(catalog, campaign, catalog.unit("emergency"), tmp_path / "f.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["附件3", "附件4", "附件5", "附件6", "基础数据表"]
    figures = workbook["基础数据表"]
    assert [figures.cell(2, c).value for c in range(1, 6)] == [
        "序号",
        "基础数据项",
        "计量单位",
        "2020年(基准年)",
        "2021年",
    ]
    assert figures.cell(3, 2).value == "生产安全事故起数" and figures.cell(3, 3).value == "起"
    annex3 = workbook["附件3"]
    rows = [(annex3.cell(r, 1).value, annex3.cell(r, 2).value) for r in range(3, 9)]
    assert [seq for seq, _ in rows] == [1, 2, 3, 4, 8, 9]  # 5–7 belong to other units
    assert rows[0][1] == "生产安全事故起数下降(%)"
    assert annex3.cell(3, 3).value == ">15" and annex3.cell(3, 4).value == "约束性"
    annex4 = workbook["附件4"]
    names = [annex4.cell(r, 2).value for r in range(3, annex4.max_row + 1) if isinstance(annex4.cell(r, 1).value, int)]
    assert len(names) == 11 and "新增专职消防人员" not in names
    validations = annex3.data_validations.dataValidation
    assert len(validations) == 1 and validations[0].formula1 == '"提前实现,符合预期,滞后预期"'
    assert str(validations[0].sqref) == "L3:L8"
    assert "填表说明" in str(annex3.cell(10, 1).value)
    projects = workbook["附件5"]
    assert projects.cell(3, 2).value == "安全生产宣传教育培训工程"


def test_unit_with_several_responsible_rows_and_a_unit_with_none(catalog, campaign, tmp_path):
    path = write_unit_form(catalog, campaign, catalog.unit("transport"), tmp_path / "t.xlsx")
    sheet = load_workbook(path)["附件3"]
    assert sheet.cell(3, 2).value == "道路运输生产安全事故死亡人数下降(%)"
    assert sheet.cell(3, 13).value == "市公安局、市交通运输局"
    assert write_unit_form(catalog, campaign, catalog.unit("finance"), tmp_path / "n.xlsx") is None
    assert write_unit_form(catalog, campaign, catalog.unit("town_01"), tmp_path / "x.xlsx") is None


def test_init_creates_every_units_folders_and_is_idempotent(home, catalog, capsys):
    assert main(["init"]) == 0
    for unit in catalog.units:
        assert (home / "drop" / unit.code / "inbox").is_dir()
        assert (home / "drop" / unit.code / "receipts").is_dir()
    form = next((home / "forms" / "emergency").glob("*.xlsx"))
    before = form.stat().st_mtime_ns
    assert main(["init"]) == 0
    assert form.stat().st_mtime_ns == before  # kept, not rewritten
    capsys.readouterr()
    assert main(["units", "--json"]) == 0
    units = json.loads(capsys.readouterr().out)
    assert len(units) == len(catalog.units)
    emergency = next(u for u in units if u["code"] == "emergency")
    assert emergency["name"] == "市应急管理局"
    assert emergency["inbox"] == str(home / "drop" / "emergency" / "inbox") and emergency["inbox"].startswith("/")
    assert setup.list_units()[0]["receipts"].endswith("/receipts")


def test_generated_forms_carry_the_explanation_column_and_say_what_it_is_for(catalog, campaign, tmp_path):
    from planeval.intake.unit_forms import EXPLANATION_NOTE

    sheet = load_workbook(write_unit_form(catalog, campaign, catalog.unit("emergency"), tmp_path / "f.xlsx"))["附件3"]
    headers = [cell.value for cell in sheet[2]]
    assert headers[-1] == "上报说明"
    column = sheet.cell(2, len(headers)).column_letter
    assert sheet.column_dimensions[column].width == 40
    assert EXPLANATION_NOTE in [row[0] for row in sheet.iter_rows(min_col=1, max_col=1, values_only=True)]
    assert "须在本行“上报说明”列写明原因方可受理" in EXPLANATION_NOTE
