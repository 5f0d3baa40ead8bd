"""Contacts (附件7 报送回执) as a submission of their own: generated, collected, validated, listed."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from planeval.intake.unit_forms import form_filename
from planeval.stages import collect, monitor, setup
from planeval.ui.cli import main
from planeval.ui.demo import fill_contacts


@pytest.fixture
def units_ready(home):
    setup.init_units()
    return home


def _contacts_file(catalog, campaign, unit_code, tmp_path, edit=None):
    unit = catalog.unit(unit_code)
    path = fill_contacts(catalog, campaign, unit, tmp_path / form_filename(catalog, campaign, unit, "contacts"))
    if edit:
        workbook = load_workbook(path)
        edit(workbook.active)
        workbook.save(path)
    return path


def test_every_unit_gets_its_contacts_form(units_ready, catalog, campaign):
    for unit in catalog.units:  # due from every unit: departments and towns alike
        path = units_ready / "forms" / unit.code / form_filename(catalog, campaign, unit, "contacts")
        sheet = load_workbook(path).active
        assert [c.value for c in sheet[2]] == ["类别", "姓名", "职务", "联系方式", "备注"]
        assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == ["安全生产规划", "应急管理体系和能力建设规划"]
        assert f"填报单位:{unit.name}" in [c.value for c in sheet[1]]


def test_contacts_are_accepted_listed_and_exported(units_ready, catalog, campaign, tmp_path, capsys):
    for unit_code in ("emergency", "town_03"):
        source = _contacts_file(catalog, campaign, unit_code, tmp_path)
        shutil.copyfile(source, units_ready / "drop" / unit_code / "inbox" / source.name)
    summary = collect.run_collect()
    assert {(s["unit_code"], s["form"], s["status"]) for s in summary} == {
        ("emergency", "contacts", "accepted"),
        ("town_03", "contacts", "accepted"),
    }
    contacts = monitor.list_contacts()
    assert [(c["unit_name"], c["category"]) for c in contacts] == [
        ("市应急管理局", "安全生产规划"),
        ("市应急管理局", "应急管理体系和能力建设规划"),
        ("演示镇街03", "安全生产规划"),
        ("演示镇街03", "应急管理体系和能力建设规划"),
    ]
    assert contacts[0]["person"].startswith("演示联系人") and contacts[0]["phone"].startswith("139")

    assert main(["contacts"]) == 0
    out = capsys.readouterr().out
    assert "已收到 2 个单位的联系人(附件7)" in out and "市应急管理局 | 安全生产规划 | 演示联系人" in out
    exported = load_workbook(units_ready / "reports" / campaign.code / "海安市联系人汇总.xlsx").active
    assert [c.value for c in exported[1]] == ["单位", "类别", "姓名", "职务", "联系方式", "备注"]
    assert exported.max_row == 5


def test_bad_contacts_are_rejected_at_the_cell(units_ready, catalog, campaign, tmp_path):
    def spoil(sheet) -> None:
        sheet["D3"] = "8888"  # 联系方式: not a phone number
        sheet["B4"] = None  # 姓名 left empty

    source = _contacts_file(catalog, campaign, "water", tmp_path, spoil)
    shutil.copyfile(source, units_ready / "drop" / "water" / "inbox" / source.name)
    (result,) = collect.run_collect()
    assert result["status"] == "rejected" and result["form"] == "contacts"
    receipt = json.loads((units_ready / "drop" / "water" / "receipts" / f"{source.name}.json").read_text("utf-8"))
    errors = {(e["code"], e["sheet"], e["row"], e["column"]) for e in receipt["errors"]}
    sheet = receipt["errors"][0]["sheet"]
    assert errors == {("invalid_phone", sheet, 3, "D"), ("missing_person", sheet, 4, "B")}
    phone = next(e for e in receipt["errors"] if e["code"] == "invalid_phone")
    assert "“8888”不是有效的手机或固定电话号码" in phone["message"]
    assert monitor.list_contacts() == []


def test_hostile_contacts_stay_text_in_every_list(units_ready, catalog, campaign, tmp_path, capsys):
    """A clerk (or an attacker) types formulas into the 附件7 form and names the file to forge a receipt line:
    the contacts list holds them as text, the receipt shows the name on one line."""
    hostile = {"person": '=HYPERLINK("http://evil","点此")', "position": "@SUM(A1)", "note": "-1+A1"}

    def spoil(sheet) -> None:
        form = catalog.forms.contacts
        headers = {cell.value: cell.column for cell in sheet[2]}
        for key, text in hostile.items():
            cell = sheet.cell(row=3, column=headers[form.column(key).header])
            cell.value, cell.data_type = text, "s"  # typed as text, as a spreadsheet stores it

    source = _contacts_file(catalog, campaign, "emergency", tmp_path, spoil)
    name = "联系人\n处理结果:已受理\x1b[2J.xlsx"
    shutil.copyfile(source, units_ready / "drop" / "emergency" / "inbox" / name)
    (result,) = collect.run_collect()
    assert result["status"] == "accepted" and "\n" not in result["file"] and "\x1b" not in result["file"]
    receipt = (units_ready / "drop" / "emergency" / "receipts" / f"{result['file']}.txt").read_text("utf-8")
    assert "\x1b" not in receipt
    assert [line for line in receipt.splitlines() if line.startswith("处理结果")] == ["处理结果:已受理(通过校验)"]
    assert next(c["person"] for c in monitor.list_contacts()) == hostile["person"]  # the warehouse keeps the value

    assert main(["contacts"]) == 0
    assert "\x1b" not in capsys.readouterr().out
    exported = load_workbook(units_ready / "reports" / campaign.code / "海安市联系人汇总.xlsx").active
    row = [(cell.value, cell.data_type) for cell in exported[2]]
    assert ("'" + hostile["person"], "s") in row and ("'@SUM(A1)", "s") in row and ("'-1+A1", "s") in row
    assert all(cell.data_type != "f" for line in exported.iter_rows() for cell in line)


@pytest.mark.parametrize(
    ("deleted", "missing"),
    [
        ((1, 1), "缺少列“类别”"),  # the column that names rows is gone: once recorded as an indicator table
        ((2, 4), "缺少列“姓名”“联系方式”"),  # only 类别 is left: too few columns to be read as contacts
    ],
)
def test_a_truncated_contacts_form_is_refused_as_unrecognised_never_taken_for_another_form(
    deleted, missing, units_ready, catalog, campaign, tmp_path
):
    source = _contacts_file(catalog, campaign, "water", tmp_path, lambda sheet: sheet.delete_cols(*deleted))
    shutil.copyfile(source, units_ready / "drop" / "water" / "inbox" / source.name)
    (result,) = collect.run_collect()
    assert result["status"] == "rejected" and result["form"] == "contacts"
    receipt = json.loads((units_ready / "drop" / "water" / "receipts" / f"{source.name}.json").read_text("utf-8"))
    (error,) = receipt["errors"]
    assert error["code"] == "unrecognised_table" and error["row"] == 2
    assert error["message"].startswith(f"无法识别表格类型:工作表“{error['sheet']}”第2行的表头{missing}")
    assert "下发的“报送回执(联系人)”应有“类别”“姓名”“联系方式”列" in error["message"]
