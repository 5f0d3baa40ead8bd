"""The second catalog, catalog/wenling: seed 002 (2023年温岭市安全生产工作要点) as work points, not a plan."""

from __future__ import annotations

import datetime as dt

from planeval.catalog import load_catalog
from planeval.settings import REPO_ROOT

WENLING = REPO_ROOT / "catalog" / "wenling"


def _wenling():
    return load_catalog(WENLING)


def _task(catalog, number: str):
    return next(t for t in catalog.tasks if t.number == number)


def test_manifest_and_no_plan_files():
    catalog = _wenling()
    assert (catalog.city, catalog.office, catalog.short_office) == (
        "温岭市",
        "温岭市安全生产委员会办公室",
        "市安委办",
    )
    assert catalog.plans == () and catalog.indicators == () and catalog.projects == ()


def test_every_numbered_work_point_once():
    catalog = _wenling()
    numbers = [t.number for t in catalog.tasks]
    assert len(catalog.tasks) == 28  # 16 points + 9 sub-areas of point 10 + 3 “同时” items
    assert len(set(numbers)) == len(numbers) and len({t.code for t in catalog.tasks}) == 28
    assert [n for n in numbers if "-" not in n] == [str(i) for i in range(1, 17)]
    assert [n for n in numbers if n.startswith("10-") and "同时" not in n] == [
        f"10-{cn}" for cn in "一二三四五六七八九"
    ]
    assert [n for n in numbers if "同时" in n] == ["10-同时(a)", "10-同时(b)", "10-同时(c)"]
    assert {t.section[:2] for t in catalog.tasks} == {"一、", "二、", "三、", "四、", "五、"}
    assert catalog.match_task("完善安全生产应急救援体系").number == "13"


def test_units_departments_offices_and_demo_towns():
    catalog = _wenling()
    departments = [u for u in catalog.units if u.kind == "department"]
    towns = [u for u in catalog.units if u.kind == "town"]
    assert len(departments) == 21  # 12 departments + the 铁路 领导小组 + 8 专委办
    assert len([u for u in departments if u.code.startswith("zwb_")]) == 8
    assert len(towns) == 17  # “16个镇(街道)和经济开发区”
    demo = [u for u in towns if u.code.startswith("town_")]
    assert len(demo) == 16 and all(u.demo for u in demo)
    assert catalog.unit("dev_zone").name == "经济开发区" and not catalog.unit("dev_zone").demo
    assert not any(u.demo for u in departments)
    # 市安委办 receives the reports: not a reporting unit.
    assert catalog.resolve_unit_name("市安委办") is None
    assert catalog.resolve_unit_name("市特安委").code == "zwb_special_equipment"
    assert catalog.resolve_unit_name("温岭市应急管理局").code == "emergency"


def test_leads_as_printed():
    catalog = _wenling()
    point13 = _task(catalog, "13")
    assert [catalog.unit(c).name for c in point13.lead] == ["市应急管理局"]
    assert point13.lead_text == "市应急管理局牵头"
    assert "市级专项预案和重要部门预案修编率达到90%以上" in point13.targets

    point14 = _task(catalog, "14")
    assert point14.title == "深化安全生产社会化服务"
    assert point14.lead == () and point14.cooperating == () and point14.lead_text == "未明确"

    sea = _task(catalog, "10-二")
    assert [catalog.unit(c).name for c in sea.lead] == ["市涉海涉渔专委办"]
    assert sea.cooperating_text == "市涉海涉渔专委会各成员单位分工负责"
    assert len(sea.targets) == 3 and "完成148艘问题渔运船和1209艘问题捕捞渔船整治任务" in sea.targets

    # 工矿和危化品 leads two sub-areas: nine sub-areas, eight 专委办.
    assert _task(catalog, "10-四").lead == _task(catalog, "10-五").lead == ("zwb_mining_chemicals",)

    point1 = _task(catalog, "1")
    assert point1.lead == ("organization", "publicity", "emergency")
    assert point1.cooperating_text == "市安委会各成员单位配合"

    # Points the receiving office leads: its name kept as text, no unit code.
    for number in ("2", "5", "8", "9", "15", "16"):
        task = _task(catalog, number)
        assert task.lead == () and task.lead_text.startswith("市安委办"), number


def test_two_campaigns_with_the_notices_deadlines():
    catalog = _wenling()
    half, annual = catalog.campaign("wenling_2023_half_year"), catalog.campaign("wenling_2023_annual")
    assert (half.kind, half.year, half.tasks) == ("half_year", 2023, True)
    assert (annual.kind, annual.year, annual.tasks) == ("annual", 2023, True)
    assert half.due("task_table") == dt.date(2023, 6, 15) and half.opens == dt.date(2023, 4, 28)
    assert annual.due("task_table") == dt.date(2023, 12, 15) and annual.opens == dt.date(2023, 6, 16)
    assert half.data_cutoff == dt.date(2023, 6, 15) and annual.data_cutoff == dt.date(2023, 12, 15)
    assert half.plans == () and annual.plans == ()
    # without a code: the one open that day, never a guess between the two (docs/catalog.md, 评估任务的选择)
    assert catalog.campaign(year=2023, day=dt.date(2023, 5, 10)).code == "wenling_2023_half_year"
    assert catalog.campaign(day=dt.date(2023, 10, 1)).code == "wenling_2023_annual"
    assert half.is_open(dt.date(2023, 6, 13)) and not half.is_open(dt.date(2023, 4, 27))


def test_every_unit_owes_the_task_table_and_has_rows_in_it():
    catalog = _wenling()
    town = catalog.unit("town_01")
    for campaign in catalog.campaigns:
        assert catalog.expected_forms(campaign, town) == ["task_table"]
        assert catalog.expected_forms(campaign, catalog.unit("zwb_fire")) == ["task_table"]
    # units: all owes a form from everyone, so everyone must have a pre-filled row.
    assert [u.code for u in catalog.units if not catalog.tasks_of_unit(u.code)] == []
    assert [(t.number, role) for t, role in catalog.tasks_of_unit("town_01")] == [("16", "配合")]


def test_emergency_bureau_leads_and_cooperates():
    catalog = _wenling()
    emergency = catalog.resolve_unit_name("市应急管理局").code
    roles = {task.number: role for task, role in catalog.tasks_of_unit(emergency)}
    assert roles == {
        "1": "牵头",
        "2": "配合",
        "3": "牵头",
        "4": "牵头",
        "6": "牵头",
        "7": "配合",
        "9": "配合",
        "10-同时(a)": "牵头",
        "11": "牵头",
        "12": "牵头",
        "13": "牵头",
    }


def test_task_table_form():
    form = _wenling().forms.task_table
    assert form.label == "工作要点完成情况表"
    assert [c.key for c in form.columns] == [
        "seq",
        "name",
        "lead",
        "cooperating",
        "role",
        "status",
        "progress",
        "problems",
        "next_steps",
    ]
    assert {c.key for c in form.columns if c.required} == {"name", "status", "progress"}
    assert form.column("name").header == "工作要点" and "工作任务" in form.column("name").aliases
    assert form.ratings == ("已完成", "按序时推进", "滞后")  # the last one needs 存在问题
    assert "滞后" in form.instructions and "存在问题" in form.instructions
    assert " " not in form.instructions


def test_haian_catalog_still_loads():
    haian = load_catalog(REPO_ROOT / "catalog" / "haian")
    assert haian.city == "海安市"
    assert {p.code for p in haian.plans} == {"safety", "emergency"}
    assert haian.campaign("haian_2025_summary").due("indicator_table") == dt.date(2025, 6, 16)
