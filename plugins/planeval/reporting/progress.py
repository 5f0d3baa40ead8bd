"""一(二) 主要任务进展 of the summary report and its 附录三: each plan's 主要任务 assessed 方面 by 方面, its key
projects' progress, and the table of every task with its lead unit, status and evidence.

May import: planeval.catalog, planeval.assessment.tasks, planeval.reporting.facts, planeval.reporting.words,
planeval.reporting.drafting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypedDict

from planeval.assessment.tasks import TASK_STATUSES, TaskAssessment
from planeval.catalog import Catalog
from planeval.reporting.drafting import drafted
from planeval.reporting.facts import PlanFacts, ReportFacts
from planeval.reporting.words import clause

TASK_APPENDIX = "附录三"


class AspectProgress(TypedDict):
    text: str  # “（一）应急管理体系建设:3项任务,完成2项、推进中1项。…”


class ProjectProgress(TypedDict):
    name: str
    responsible: str
    progress: str
    results: str


class PlanTasks(TypedDict):
    short_name: str
    task_summary: str
    aspects: list[AspectProgress]
    projects_label: str
    projects: list[ProjectProgress]


class Tasks(TypedDict):
    plans: list[PlanTasks]
    task_appendix: str


def status_counts(tasks: Sequence[TaskAssessment]) -> str:
    """“完成2项、推进中1项” in the order of TASK_STATUSES, statuses with none left out."""
    counts = Counter(task.status for task in tasks)
    return "、".join(f"{status}{counts[status]}项" for status in TASK_STATUSES if counts[status])


def build_tasks(facts: ReportFacts) -> Tasks:
    """一(二): per plan, its tasks 方面 by 方面 (how many, how far, which lag) and its key projects' progress."""
    plans: list[PlanTasks] = []
    for plan in facts.plans:
        tasks = plan.tasks
        summary = (
            f"{plan.plan.short_name}{len(plan.plan.aspects)}个方面{len(tasks)}项主要任务中,{status_counts(tasks)}"
            f"(逐项评估见{TASK_APPENDIX})。"
            if tasks
            else ""
        )
        plans.append(
            {
                "short_name": plan.plan.short_name,
                "task_summary": drafted(summary) if summary else "",
                "aspects": [{"text": text} for text in _aspect_texts(plan)],
                "projects_label": plan.plan.projects_label,
                "projects": _projects(facts, plan),
            }
        )
    return {"plans": plans, "task_appendix": TASK_APPENDIX}


def _aspect_texts(plan: PlanFacts) -> list[str]:
    """A sentence per 方面 with tasks in mixed states, naming the tasks that lag; the 方面 whose tasks are all
    complete or basically complete share one closing sentence, and so do those none of whose tasks was
    reported (附录三 lists them task by task)."""
    texts: list[str] = []
    finished: list[str] = []
    silent: list[str] = []
    for aspect in plan.plan.aspects:
        tasks = [task for task in plan.tasks if task.aspect is aspect]
        if all(task.status in ("完成", "基本完成") for task in tasks):
            finished.append(aspect.short_title)
            continue
        if all(task.status == "未报送" for task in tasks):
            silent.append(aspect.short_title)
            continue
        text = f"“{aspect.short_title}”方面{len(tasks)}项任务,{status_counts(tasks)}。"
        behind = [task for task in tasks if task.status == "滞后"]  # the unreported are counted, listed in 附录三
        if behind:
            text += "其中" + ";".join(f"“{t.task.title}”推进滞后({t.unit})" for t in behind) + "。"
        texts.append(drafted(text))
    rest = "其余" if texts else ""
    if finished:
        texts.append(drafted(f"{rest}{len(finished)}个方面({'、'.join(finished)})的任务均已完成或基本完成。"))
    if silent:
        texts.append(drafted(f"{rest}{len(silent)}个方面({'、'.join(silent)})的任务均未报送进展。"))
    return texts


def _projects(facts: ReportFacts, plan: PlanFacts) -> list[ProjectProgress]:
    catalog = facts.catalog
    projects: list[ProjectProgress] = []
    for project in catalog.projects:
        if project.plan != plan.plan.code:
            continue
        reported = facts.projects.get(project.code) or {}
        projects.append(
            {
                "name": project.name,
                "responsible": "、".join(catalog.unit(u).name for u in project.responsible),
                "progress": clause(reported.get("progress")) or "责任单位尚未报送进展情况",
                "results": clause(reported.get("results")),
            }
        )
    return projects


class TaskRow(TypedDict):
    seq: int
    plan: str
    aspect: str
    task: str
    lead: str
    status: str
    evidence: str


class TaskAppendix(TypedDict):
    task_rows: list[TaskRow]


def build_task_appendix(facts: ReportFacts) -> TaskAppendix:
    """附录三 主要任务逐项评估表: every task of every assessed plan, in the plans' order."""
    rows: list[TaskRow] = []
    for plan in facts.plans:
        for task in plan.tasks:
            rows.append(
                {
                    "seq": len(rows) + 1,
                    "plan": plan.plan.short_name,
                    "aspect": task.aspect.short_title,  # the 方面's lead phrase; the plan has the rest
                    "task": f"{task.task.number}{'.' if task.task.number[-1].isdigit() else ''}{task.task.title}",
                    "lead": lead_text(facts.catalog, task),
                    "status": task.status,
                    "evidence": evidence_text(task),
                }
            )
    return {"task_rows": rows}


def lead_text(catalog: Catalog, task: TaskAssessment) -> str:
    """The lead units' names; an assigned lead (the plan names none) is marked “(拟)”."""
    names = "、".join(catalog.unit(code).name for code in task.task.lead)
    return f"{names}(拟)" if task.task.assigned else names


def evidence_text(task: TaskAssessment) -> str:
    """The status's grounds: the unit's own words, the related indicators and projects, the office's note."""
    parts = []
    if task.sentence:
        parts.append(f"{task.unit}:{clause(task.sentence)}")
    if task.evidence:
        parts.append("相关指标和工程:" + "、".join(task.evidence))
    if task.note:
        parts.append(task.note)
    return ";".join(parts) + "。" if parts else "—"
