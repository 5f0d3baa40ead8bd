"""What the report concludes from the evidence, drafted for the office to edit (reporting/drafting.py marks it):

    build_achievements   一(二) 主要成效: indicators 提前实现, tasks completed, key projects finished
    build_findings       二 问题: lagging indicators (the gap in numbers, the unit's own analysis), lagging
                         tasks, key projects behind, missing reports; 三 对策: one per problem, naming its unit,
                         its figures and the plan's own wording, never two alike; 十五五 suggestions from the
                         structural gaps (方面 with lagging tasks, indicators lagging or already met, leads the
                         plan never named, figures nobody reported)

May import: planeval.catalog, planeval.assessment.tasks, planeval.reporting.facts, planeval.reporting.words,
planeval.reporting.drafting."""

from __future__ import annotations

from collections import Counter
from typing import TypedDict

from planeval.assessment.tasks import PROJECT_DONE_WORDS, TaskAssessment
from planeval.catalog import Project
from planeval.catalog.layouts import chinese_count
from planeval.reporting.drafting import drafted
from planeval.reporting.facts import IndicatorFacts, ReportFacts
from planeval.reporting.words import clause, first_sentence, gap_sentence


class Achievements(TypedDict):
    achievements: list[str]


def build_achievements(facts: ReportFacts) -> Achievements:
    """Per plan: the indicators already met, the tasks completed, the key projects finished."""
    lines: list[str] = []
    for plan in facts.plans:
        early = [item for item in plan.indicators if item.rating == "提前实现"]
        done = [task for task in plan.tasks if task.status in ("完成", "基本完成")]
        finished = [p.name for p in _plan_projects(facts, plan.plan.code) if _finished(facts, p)]
        parts = []
        if early:
            parts.append(f"{len(early)}项指标已提前实现规划目标")
        if done:
            full = sum(task.status == "完成" for task in done)
            parts.append(f"{full}项主要任务已完成、{len(done) - full}项基本完成")
        if finished:
            parts.append(f"{'、'.join(finished)}等{plan.plan.projects_label}已完成")
        if parts:
            lines.append(drafted(f"{plan.plan.short_name}实施以来," + ";".join(parts) + "。"))
    return {"achievements": lines}


class ProblemGroup(TypedDict):
    heading: str
    lines: list[str]


class Findings(TypedDict):
    problem_groups: list[ProblemGroup]
    countermeasures: list[str]
    next_plan: list[str]


def build_findings(facts: ReportFacts, unit_problems: list[str]) -> Findings:
    """二's problems grouped by kind and numbered (一)(二)…, 三's 对策 (one per problem) and the 十五五
    suggestions. ``unit_problems``: the units' own words on their problems, compiled (“单位:…”)."""
    lagging = _lagging_indicators(facts)
    tasks = [task for plan in facts.plans for task in plan.tasks if task.status == "滞后"]
    projects = [p for plan in facts.plans for p in _plan_projects(facts, plan.plan.code) if not _finished(facts, p)]
    overdue = [p for p in projects if p.due is not None and p.due.year < facts.campaign.data_year + 1]
    groups: list[ProblemGroup] = []
    measures: list[str] = []
    if lagging:
        groups.append({"heading": "部分指标进度滞后。", "lines": [_indicator_problem(facts, i) for i in lagging]})
        measures += [indicator_measure(facts, item) for item in lagging]
    slipped = _slipped_indicators(facts)
    if slipped:
        groups.append({"heading": "部分指标按期实现后有所回落。", "lines": [_slip_problem(i) for i in slipped]})
        measures += [_slip_measure(item) for item in slipped]
    if tasks:
        groups.append({"heading": "部分主要任务推进滞后。", "lines": [_task_problem(t) for t in tasks]})
        measures += [_task_measure(facts, task) for task in tasks]
    unreported = [p for p in projects if not (facts.projects.get(p.code) or {}).get("progress")]
    behind = [p for p in overdue if p not in unreported] + unreported
    if behind:
        label = facts.catalog.projects_label(facts.campaign)
        groups.append({"heading": f"部分{label}进展不及预期。", "lines": [_project_problem(facts, p) for p in behind]})
        measures += [_project_measure(facts, p) for p in behind]
    missing, no_data = facts.missing_units(), _no_data(facts)
    if missing or no_data:
        lines = [_reporting_line(facts, missing)] if missing else []
        lines += [f"尚无已受理数据的指标:{'、'.join(no_data)}。"] if no_data else []
        groups.append({"heading": "部分单位和指标数据尚未报送。", "lines": lines})
        if missing:
            measures.append(f"对{'、'.join(missing[:3])}等尚未报送的单位逐一督促,限期补报材料和数据。")
    if unit_problems:
        groups.append({"heading": "各单位反映的主要风险挑战。", "lines": unit_problems})
    for number, group in enumerate(groups):
        group["heading"] = f"({chinese_count(number + 1)}){group['heading']}"
    return {
        "problem_groups": groups,
        "countermeasures": [drafted(line) for line in dict.fromkeys(measures)],
        "next_plan": [drafted(line) for line in _next_plan(facts, lagging)],
    }


def _reporting_line(facts: ReportFacts, missing: list[str]) -> str:
    """Who has reported, by kind of unit, and who has not, by name."""
    catalog, reported = facts.catalog, facts.reported_units()
    counts = [
        f"{sum(u.kind == kind and u.code in reported for u in catalog.units)}个{catalog.kind_label(kind)}"
        for kind in ("department", "town")
    ]
    return (
        f"已有{'、'.join(counts)}报送了通过校验的材料,尚有{len(missing)}个单位未报送;"
        f"尚未报送或报送未通过校验的单位:{'、'.join(missing)}。"
    )


def _no_data(facts: ReportFacts) -> list[str]:
    return list(dict.fromkeys(item.indicator.plain_name for item in facts.indicators() if item.rating is None))


def _lagging_indicators(facts: ReportFacts) -> list[IndicatorFacts]:
    seen: dict[str, IndicatorFacts] = {}
    for item in facts.indicators():
        if item.rating == "滞后预期":
            seen.setdefault(item.indicator.code, item)
    return list(seen.values())


def _slipped_indicators(facts: ReportFacts) -> list[IndicatorFacts]:
    """Indicators whose intermediate deadline was met on time but a later year fell back (回落): rated
    符合预期 on the deadline, flagged here for the office. Each once, under the first plan that has it."""
    seen: dict[str, IndicatorFacts] = {}
    for item in facts.indicators():
        if item.compared is not None and item.compared.maintenance == "回落":
            seen.setdefault(item.indicator.code, item)
    return list(seen.values())


def _slip_problem(item: IndicatorFacts) -> str:
    """The slip as the rating's reason states it (“2022年达到76%,按期实现;2024年回落至70%”)."""
    return drafted(f"{item.indicator.plain_name}({item.responsible}):{clause(item.result['computed_reason'])}。")


def _slip_measure(item: IndicatorFacts) -> str:
    """A 对策 for a slip: find the cause, hold the target met, to the plan's end."""
    name, end, words = item.indicator.plain_name, item.plan.period[1], item.indicator.target_words
    return f"{item.responsible}要查明{name}回落原因,巩固已实现的目标,确保{end}年底{name}仍{words}。"


def _indicator_problem(facts: ReportFacts, item: IndicatorFacts) -> str:
    gap = gap_sentence(item.indicator, item.compared, item.plan.period[0])
    analysis = first_sentence(item.analysis)
    own = f"责任单位分析:{analysis}。" if analysis else "责任单位未说明滞后原因。"
    explained = "".join(  # the 警告 values the unit explained (上报说明), docs/validation.md
        f"{facts.catalog.unit(e.unit_code).name}对{e.year}年{'预测值' if e.is_forecast else ''}填报的"
        f"{item.indicator.with_unit(e.value)}上报说明:{first_sentence(e.explanation)}。"
        for e in item.explained
    )
    return drafted(f"{item.indicator.plain_name}({item.responsible}):{gap}{own}{explained}")


def indicator_measure(facts: ReportFacts, item: IndicatorFacts) -> str:
    """A 对策 for one lagging indicator: its unit, the cause it gave, the remedy for its kind, the end year and
    the target (the gap in numbers is stated in 二)."""
    indicator, end = item.indicator, item.plan.period[1]
    cause = first_sentence(item.analysis).split(",")[0]
    focus = f"针对“{cause}”" if cause else "查明滞后原因"
    subject = indicator.plain_name.removesuffix("下降") if indicator.kind == "decline" else indicator.plain_name
    return f"{item.responsible}要{focus},{_remedy(item)},确保{end}年底{subject}{indicator.target_words}。"


def _remedy(item: IndicatorFacts) -> str:
    match item.indicator.kind:
        case "decline" | "zero" | "average":
            return "聚焦事故多发领域和时段开展专项整治"
        case "cumulative":
            return "按季度调度完成量"
        case _:
            return "加大投入补齐短板"


def _task_problem(task: TaskAssessment) -> str:
    words = clause(task.note) if task.note else first_sentence(task.sentence, 40) or "进度滞后"
    return drafted(f"“{task.task.title}”({task.unit}):{clause(words)}。")


def _task_measure(facts: ReportFacts, task: TaskAssessment) -> str:
    leads = "、".join(facts.catalog.unit(code).name for code in task.task.lead)
    helpers = [facts.catalog.unit(code).name for code in task.task.cooperating]
    content = clause(task.task.content.split(";")[0].split(",")[0]) if task.task.content else ""
    focus = f",重点推进{content}" if content and len(content) <= 30 else ""
    end = max(task.task.due_year or task.plan.period[1], facts.campaign.data_year + 1)
    together = f",{'、'.join(helpers[:2])}{'等' if len(helpers) > 2 else ''}配合" if helpers else ""
    return f"{leads}倒排“{task.task.title}”的计划{focus}{together},确保{end}年底前完成。"


def _project_problem(facts: ReportFacts, project: Project) -> str:
    progress = clause((facts.projects.get(project.code) or {}).get("progress"))
    owner = "、".join(facts.catalog.unit(u).name for u in project.responsible)
    due = f"规划要求{project.due.year}年底前完成," if project.due else ""
    state = f"目前{progress}" if progress else "责任单位尚未报送进展"
    return drafted(f"{project.name}({owner}):{due}{state}。")


def _project_measure(facts: ReportFacts, project: Project) -> str:
    owner = "、".join(facts.catalog.unit(u).name for u in project.responsible)
    step = "尽快报送实施进展并" if not (facts.projects.get(project.code) or {}).get("progress") else ""
    return f"{owner}要{step}倒排{project.name}的建设节点,按月调度,确保按期建成见效。"


def _next_plan(facts: ReportFacts, lagging: list[IndicatorFacts]) -> list[str]:
    """十五五 suggestions, each from a gap the evidence shows."""
    lines: list[str] = []
    weak = Counter(
        task.aspect.short_title for plan in facts.plans for task in plan.tasks if task.status in ("滞后", "未报送")
    )
    if weak:
        names = "、".join(f"“{name}”" for name, _ in weak.most_common(3))
        lines.append(f"将{names}等本期短板较为集中的方面作为“十五五”规划的重点任务,细化可考核的年度目标。")
    if lagging:
        names = "、".join(item.indicator.plain_name for item in lagging[:4])
        lines.append(f"{names}等指标本期进度滞后,建议“十五五”规划继续设置并结合实际合理确定目标值和年度节点。")
    early = [item.indicator.plain_name for item in facts.indicators() if item.rating == "提前实现"]
    if early:
        names = "、".join(dict.fromkeys(early[:4]))
        lines.append(f"{names}等指标已提前实现,建议“十五五”规划适当提高目标或改用更能反映治理水平的指标。")
    assigned = sum(task.task.assigned for plan in facts.plans for task in plan.tasks)
    if assigned:
        lines.append(
            f"本期规划{assigned}项主要任务未明确牵头单位,建议“十五五”规划逐项明确牵头和配合单位,并建立年度监测评估机制。"
        )
    return lines


def _plan_projects(facts: ReportFacts, plan_code: str) -> list[Project]:
    return [project for project in facts.catalog.projects if project.plan == plan_code]


def _finished(facts: ReportFacts, project: Project) -> bool:
    progress = str((facts.projects.get(project.code) or {}).get("progress") or "")
    return any(word in progress for word in PROJECT_DONE_WORDS)


def build_review(facts: ReportFacts) -> list[tuple[str, list[str]]]:
    """What the office settles before signing, for the working annex (never the report's body): ratings the
    units gave otherwise, sources that disagree, task statuses that differ from the unit's words, leads the
    plan never named, framework sections units left out."""
    review: list[tuple[str, list[str]]] = []
    ratings = [
        f"{item.indicator.plain_name}({item.plan.short_name},{item.responsible}):测算“{item.rating}”,"
        f"依据:{clause(item.result['computed_reason']) or '—'};单位自评“{item.self_rating}”,"
        f"理由:{clause(item.analysis) or '未填写分析说明'}。"
        for item in facts.indicators()
        if item.disagrees
    ]
    notes = (f"{item.indicator.plain_name},{clause(note)}。" for item in facts.indicators() for note in item.notes)
    conflicts = list(dict.fromkeys(notes))
    tasks = [
        f"{task.task.title}({task.unit}):评估为“{task.status}”,{task.note}。"
        for plan in facts.plans
        for task in plan.tasks
        if task.note and task.status != "未报送"
    ]
    assigned = [
        f"{plan.plan.short_name}{sum(t.task.assigned for t in plan.tasks)}项主要任务的牵头单位为按职责拟定"
        "(附录三标“(拟)”),请核定后在目录 plan_tasks.yaml 中确认。"
        for plan in facts.plans
        if any(t.task.assigned for t in plan.tasks)
    ]
    for title, lines in (
        ("单位自评与测算结果不一致的指标", ratings),
        ("数据来源不一致的指标", conflicts),
        ("评估结果与单位表述不一致的主要任务", tasks),
        ("拟定的任务牵头单位", assigned),
        ("报告缺少框架部分的单位", _missing_sections(facts)),
    ):
        if lines:
            review.append((title, lines))
    return review


def _missing_sections(facts: ReportFacts) -> list[str]:
    form = facts.catalog.forms.summary_report
    lines = []
    for section in form.sections if form else ():
        names = [
            facts.catalog.unit(code).name
            for code, narrative in facts.narratives.items()
            if not narrative.sections.get(section.key)
        ]
        if names:
            lines.append(f"未述及“{section.title}”:{'、'.join(names)}。")
    return lines
