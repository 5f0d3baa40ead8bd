"""The demo's narrative reports (总结评估报告): written to the catalog's framework, read back with python-docx."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from docx import Document

from planeval.catalog import Catalog, load_catalog
from planeval.catalog.model import Aspect, PlanTask
from planeval.settings import REPO_ROOT
from planeval.ui.demo import load_demo_spec, write_summary_docx
from planeval.ui.demo_narrative import NUMBER_SPANS, quotas, task_lead_words, task_statuses

HEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def read_back(path: Path) -> list[tuple[str, bool]]:
    """Paragraphs as (text, is a heading): Word's heading or title style, or bold throughout."""
    paragraphs = []
    for paragraph in Document(str(path)).paragraphs:
        styled = paragraph.style is not None and str(paragraph.style.name).startswith(("Heading", "Title"))
        bold = bool(paragraph.runs) and all(run.bold for run in paragraph.runs)
        paragraphs.append((paragraph.text, styled or bold))
    return paragraphs


def sections_of(paragraphs: list[tuple[str, bool]]) -> dict[str, list[str]]:
    """Body paragraphs under each heading, keyed by the heading's text without its number and final 。."""
    sections: dict[str, list[str]] = {}
    current = ""
    for text, heading in paragraphs[1:]:
        if heading:
            current = HEADING_NUMBER.sub("", text).rstrip("。")
            sections[current] = []
        else:
            sections[current].append(text)
    return sections


def write(catalog: Catalog, campaign, unit_code: str, folder: Path, name: str = "r.docx") -> Path:
    return write_summary_docx(catalog, campaign, catalog.unit(unit_code), folder / name)


def titles(catalog: Catalog) -> dict[str, str]:
    form = catalog.forms.summary_report
    assert form is not None
    return {section.key: section.title for section in form.sections}


def test_department_report_follows_the_framework_in_order(catalog, campaign, tmp_path):
    paragraphs = read_back(write(catalog, campaign, "emergency", tmp_path))
    headings = [text for text, heading in paragraphs if heading]
    framework = titles(catalog)
    assert headings[0].startswith("市应急管理局") and headings[0].endswith("总结评估报告")
    assert headings[1] == "一、规划实施总体进展情况"
    expected = [framework[key] for key in ("indicators", "tasks", "measures", "achievements")]
    assert [HEADING_NUMBER.sub("", h).rstrip("。") for h in headings[2:6]] == expected
    assert [re.sub(r"[（()）]", "", h)[0] for h in headings[2:6]] == list("一二三四")  # numbered in turn
    assert headings[6:] == [f"二、{framework['problems']}", f"三、{framework['outlook']}"]
    indicators = sections_of(paragraphs)[framework["indicators"]][0]
    assert "“生产安全事故起数下降”2024年为16.6%" in indicators and "严防{{重大事故}}" in indicators


def _with_tasks(catalog: Catalog, leads: list[tuple[str, ...]], cooperating: tuple[str, ...] = ()) -> Catalog:
    """The catalog with the first plan's 主要任务 replaced by one 方面 of tasks led by ``leads``."""
    numbers = ["1", "2", "(三)", "4"] + [str(n) for n in range(5, len(leads) + 1)]
    tasks = tuple(
        PlanTask(
            code=f"t_{i}",
            number=numbers[i],
            title=f"演示任务{i}",
            content=f"落实第{i}项要求;其他",
            lead=lead,
            cooperating=cooperating if i < 3 else (),
        )
        for i, lead in enumerate(leads)
    )
    plan = catalog.plans[0].model_copy(update={"aspects": (Aspect(number="(一)", title="演示方面", tasks=tasks),)})
    others = tuple(other.model_copy(update={"aspects": ()}) for other in catalog.plans[1:])  # only the made-up tasks
    return catalog.model_copy(update={"plans": (plan, *others)})


def test_one_paragraph_per_led_task_starting_with_number_and_title(catalog, campaign, tmp_path):
    leads = [("transport",), ("transport", "emergency"), ("transport",), ("emergency",)] + [("water",)] * 6
    extended = _with_tasks(catalog, leads, cooperating=("housing",))
    tasks_title = titles(catalog)["tasks"]
    body = sections_of(read_back(write(extended, campaign, "transport", tmp_path)))[tasks_title]
    led = [t for t in extended.plans[0].tasks if "transport" in t.lead]
    assert [task_lead_words(t) for t in led] == ["1.演示任务0。", "2.演示任务1。", "(三)演示任务2。"]
    for task in led:
        assert sum(p.startswith(task_lead_words(task)) for p in body) == 1
    assert len(body) == len(led)  # transport cooperates on none of them
    cooperating = sections_of(read_back(write(extended, campaign, "housing", tmp_path)))[tasks_title]
    assert len(cooperating) == 2 and all("演示任务" in p and not p[0].isdigit() for p in cooperating)


def test_statuses_mix_as_configured_for_any_number_of_tasks(catalog, campaign):
    narrative = load_demo_spec(catalog)["narrative"]
    extended = _with_tasks(catalog, [(unit.code,) for unit in catalog.units if unit.kind == "department"] * 2)
    statuses = task_statuses(extended, campaign, narrative)
    counts = Counter(statuses.values())
    departments = sum(unit.kind == "department" for unit in catalog.units)
    assert len(statuses) == 2 * departments  # only the made-up tasks: the other plans' are set aside
    assert 2 <= counts["滞后"] <= 3 and counts["完成"] > counts["基本完成"] > counts["推进中"] >= 4
    assert statuses == task_statuses(extended, campaign, narrative)
    assert task_statuses(catalog, campaign, narrative)[("emergency", "em_1_1")] == "完成"  # task_status
    assert quotas([0.55, 0.3, 0.1, 0.05], 1) == [1, 0, 0, 0] and sum(quotas([0.5, 0.5], 7)) == 7


def test_town_writes_a_shorter_report_on_its_area(catalog, campaign, tmp_path):
    paragraphs = read_back(write(catalog, campaign, "town_05", tmp_path))
    sections = sections_of(paragraphs)
    framework = titles(catalog)
    assert all(len(sections[framework[key]]) == 1 for key in framework)
    assert "演示镇街05" in sections[framework["tasks"]][0]
    assert sections[framework["tasks"]][0].endswith("【待补充】")  # its artefact
    department = read_back(write(catalog, campaign, "emergency", tmp_path, "d.docx"))
    assert sum(len(t) for t, _ in paragraphs) < sum(len(t) for t, _ in department)


def test_missing_sections_are_left_out_and_the_rest_renumbered(catalog, campaign, tmp_path):
    framework = titles(catalog)
    headings = [t for t, h in read_back(write(catalog, campaign, "culture_tourism", tmp_path)) if h]
    assert not any(framework["achievements"] in h for h in headings)
    assert not any(h.startswith(("（四）", "(四)")) for h in headings) and len(headings) == 7
    water = [t for t, h in read_back(write(catalog, campaign, "water", tmp_path, "w.docx")) if h]
    assert water[-1] == f"二、{framework['problems']}" and not any(framework["outlook"] in h for h in water)


def test_artefacts_are_left_where_configured(catalog, campaign, tmp_path):
    framework = titles(catalog)
    agriculture = sections_of(read_back(write(catalog, campaign, "agriculture", tmp_path)))
    assert agriculture[framework["indicators"]][0].endswith("（请市安委办核实）")
    assert agriculture[framework["achievements"]][0].endswith("【待补充】")
    paragraphs = read_back(write(catalog, campaign, "commerce", tmp_path, "c.docx"))
    commerce = sections_of(paragraphs)
    assert "安全&amp;发展" in commerce[framework["measures"]][0]
    assert commerce[framework["outlook"]][-1] == "注：以上数据仅供内部参考。" == paragraphs[-1][0]
    clean = "\n".join(t for t, _ in read_back(write(catalog, campaign, "water", tmp_path, "w.docx")))
    assert not any(mark in clean for mark in ("【待补充】", "&amp;", "核实", "注："))


def test_output_is_deterministic_and_units_write_differently(catalog, campaign, tmp_path):
    first = read_back(write(catalog, campaign, "transport", tmp_path, "a.docx"))
    assert first == read_back(write(catalog, campaign, "transport", tmp_path, "b.docx"))
    styles = set()
    for unit in catalog.units[:12]:
        document = Document(str(write(catalog, campaign, unit.code, tmp_path, f"{unit.code}.docx")))
        second = document.paragraphs[2]
        styles.add((str(second.style.name).startswith("Heading"), second.text[0]))
    assert {styled for styled, _ in styles} == {True, False} and {"（", "("} <= {bracket for _, bracket in styles}


@pytest.mark.parametrize("city", ["haian", "longcheng"])
def test_every_template_of_the_demo_fills(city):
    """Each sentence of demo.yaml's narrative formats with the placeholders the writer offers."""
    narrative = load_demo_spec(load_catalog(REPO_ROOT / "catalog" / city))["narrative"]
    offered = dict.fromkeys(["unit", "field", "year", "start", "final", "plans", *NUMBER_SPANS], "x")
    offered |= dict.fromkeys(["title", "content", "lead", "task_count", "count", "list"], "x")
    offered |= dict.fromkeys(["code", "name", "value", "target", "rating", "analysis"], "x")
    templates = [narrative["title"], *narrative["cooperating"], *narrative["no_tasks"]]
    templates += [t for entry in narrative["statuses"].values() for t in entry["texts"]]
    indicators = narrative["indicators"]
    templates += [*indicators["own"], *indicators["none"], indicators["item"], indicators["analysis"]]
    templates += [indicators["problem"]]
    templates += [t for group in ("sections", "town") for texts in narrative[group].values() for t in texts]
    assert len(templates) > 40
    for template in templates:
        template.format_map(offered)  # raises KeyError on an unknown placeholder
    assert set(narrative["missing_sections"]) | set(narrative["artefacts"]) <= {u.code for u in _units(city)}


def _units(city: str):
    return load_catalog(REPO_ROOT / "catalog" / city).units


def test_a_qualitative_indicator_is_written_and_said_in_words_of_its_scale():
    from planeval.catalog.model import Indicator
    from planeval.ui.demo import synthesised_values
    from planeval.ui.demo_narrative import indicator_facts

    indicator = Indicator.model_validate(
        {
            "code": "platform",
            "name": "应急指挥平台建设",
            "kind": "qualitative",
            "scale": ["未启动", "推进中", "基本建成", "建成"],
            "target": "基本建成",
            "attribute": "预期性",
            "unit": "",
            "direction": "increase",
            "aggregation": "average",
            "responsible": ["emergency"],
        }
    )
    assert synthesised_values(indicator, 5) == ["未启动", "推进中", "推进中", "基本建成", "基本建成"]
    catalog = load_catalog(REPO_ROOT / "catalog" / "haian")
    plan = catalog.plans[0]
    table = plan.indicator_table.model_copy(update={"indicators": ("platform",)})
    catalog = catalog.model_copy(
        update={"indicators": (indicator,), "plans": (plan.model_copy(update={"indicator_table": table}),)}
    )
    campaign = catalog.campaign().model_copy(update={"plans": (plan.code,)})
    spec = {"indicators": {"platform": {"values": ["推进中", "推进中", "推进中", "推进中"]}}}
    facts = indicator_facts(catalog, campaign, catalog.unit("emergency"), spec)
    assert [f["value"] for f in facts] == ["“推进中”"]
