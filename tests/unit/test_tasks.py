"""Task-by-task assessment (docs/assessment.md, “主要任务”): the unit's words, the evidence, the deadline."""

from __future__ import annotations

import pytest

from planeval.assessment.tasks import TaskEvidence, assess_task, find_sentence, stated_status


def _task(catalog, code):
    for plan in catalog.plans:
        for aspect in plan.aspects:
            for task in aspect.tasks:
                if task.code == code:
                    return plan, aspect, task
    raise AssertionError(code)


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("已全面完成机构改革。", "完成"),
        ("机构改革任务基本完成。", "基本完成"),
        ("正在稳步推进。", "推进中"),
        ("受用地制约,尚未完成。", "滞后"),  # 未完成 is never read as 完成
        ("进度滞后于计划。", "滞后"),
        ("组织开展了培训。", None),
    ],
)
def test_the_status_a_sentence_states(sentence, status):
    assert stated_status(sentence) == status


def test_the_sentence_is_found_by_title_and_trimmed(catalog):
    _, _, task = _task(catalog, "em_1_1")
    paragraphs = [
        "(一)主要目标指标进展。略。",
        "1.完善应急管理组织架构。已全面完成机构改革。配套制度12项。",
        "2.其他。",
    ]
    assert find_sentence(task, paragraphs) == "已全面完成机构改革。配套制度12项。"
    assert find_sentence(task, ["1.应急管理组织架构持续优化,基本完成。"]).endswith("基本完成。")  # by alias
    assert find_sentence(task, ["与本任务无关。"]) == ""


def test_a_task_whose_lead_sent_no_report_is_not_reported(catalog):
    plan, aspect, task = _task(catalog, "em_1_1")
    result = assess_task(catalog, plan, aspect, task, {}, TaskEvidence(), 2024)
    assert result.status == "未报送" and result.note == "牵头单位未报送总结评估报告"


def test_a_report_that_does_not_mention_the_task_leaves_it_unreported(catalog):
    plan, aspect, task = _task(catalog, "em_1_1")
    result = assess_task(catalog, plan, aspect, task, {"emergency": ["无关内容。"]}, TaskEvidence(), 2024)
    assert result.status == "未报送" and result.note == "单位报告未述及该任务"


def test_the_units_words_set_the_status(catalog):
    plan, aspect, task = _task(catalog, "em_1_1")
    reports = {"emergency": ["1.完善应急管理组织架构。已全面完成机构改革。"]}
    result = assess_task(catalog, plan, aspect, task, reports, TaskEvidence(), 2024)
    assert (result.status, result.unit, result.sentence) == ("完成", "市应急管理局", "已全面完成机构改革。")


def test_a_lagging_indicator_overrides_a_claim_of_completion(catalog):
    plan, aspect, task = _task(catalog, "em_2_3")  # measured by weather_warning_coverage
    reports = {"meteorology": ["3.提高预警信息发布能力。已全面完成。"]}
    evidence = TaskEvidence({"weather_warning_coverage": "滞后预期"})
    result = assess_task(catalog, plan, aspect, task, reports, evidence, 2024)
    assert result.status == "滞后"
    assert "单位表述为“完成”" in result.note
    assert any("滞后预期" in phrase for phrase in result.evidence)


def test_a_cooperating_unit_is_quoted_when_the_lead_is_silent(catalog):
    plan, aspect, task = _task(catalog, "em_2_3")
    reports = {"emergency": ["3.提高预警信息发布能力。正在稳步推进平台建设。"]}
    result = assess_task(catalog, plan, aspect, task, reports, TaskEvidence(), 2024)
    assert (result.status, result.unit) == ("推进中", "市应急管理局")


def test_a_task_past_its_due_year_and_unfinished_lags(catalog):
    plan, aspect, task = next(
        _task(catalog, t.code) for p in catalog.plans for t in p.tasks if t.due_year == 2022 and not t.projects
    )
    lead = task.lead[0]
    reports = {lead: [f"{task.number}.{task.title}。正在稳步推进。"]}
    result = assess_task(catalog, plan, aspect, task, reports, TaskEvidence(), 2024)
    assert result.status == "滞后" and "2022年完成" in result.note


def test_finished_projects_complete_a_task_nobody_wrote_about(catalog):
    plan, aspect, task = next(_task(catalog, t.code) for p in catalog.plans for t in p.tasks if t.projects)
    evidence = TaskEvidence({}, dict.fromkeys(task.projects, "项目已竣工并建成投用"))
    reports = {task.lead[0]: ["与本任务无关。"]}
    assert assess_task(catalog, plan, aspect, task, reports, evidence, 2024).status == "完成"
