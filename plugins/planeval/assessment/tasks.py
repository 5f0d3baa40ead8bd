"""Task-by-task assessment of a plan's 主要任务: each task's status (完成/基本完成/推进中/滞后/未报送) from what its
units wrote about it, checked against the evidence the plan ties to it (its indicators' ratings, its key
projects' progress) and its own deadline. The rules are settled in docs/assessment.md, “主要任务”.

May import: planeval.catalog."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from planeval.catalog import Catalog, Plan, PlanTask, normalise_text
from planeval.catalog.model import Aspect

TASK_STATUSES: tuple[str, ...] = ("完成", "基本完成", "推进中", "滞后", "未报送")

# What a unit's sentence states, checked in this order (未完成 before 完成, 基本完成 before 完成).
STATUS_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("滞后", ("滞后", "未完成", "尚未启动", "尚未开工", "未启动", "进度缓慢", "未能按期", "未达到", "推进缓慢")),
    ("基本完成", ("基本完成", "基本建成", "基本实现", "基本形成", "基本落实")),
    (
        "完成",
        ("已完成", "全面完成", "已建成", "建成投用", "建成并投入使用", "已全面落实", "提前完成", "顺利完成", "完成了"),
    ),
    ("推进中", ("正在", "推进中", "稳步推进", "持续推进", "加快推进", "有序推进", "正按计划", "深入推进")),
)

# A project's reported progress that says it is finished.
PROJECT_DONE_WORDS = (
    "已建成",
    "竣工",
    "建成投用",
    "投入使用",
    "全面完成",
    "已完工",
    "完成建设",
    "进度100%",
    "进度约100%",
)

_NUMBER_PREFIX = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）]|[0-9一二三四五六七八九十]+[、.．])\s*")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass(frozen=True)
class TaskEvidence:
    """What the plan ties to a task, as the year-end found it: the rating of each related indicator (None:
    no data) and each related project's reported progress (None: not reported)."""

    ratings: Mapping[str, str | None] = field(default_factory=dict)  # indicator code → computed rating
    projects: Mapping[str, str | None] = field(default_factory=dict)  # project code → reported progress


@dataclass(frozen=True)
class TaskAssessment:
    plan: Plan
    aspect: Aspect
    task: PlanTask
    status: str  # one of TASK_STATUSES
    unit: str  # the unit whose words are quoted (its name), or the lead units' names
    sentence: str  # the unit's own sentence about the task, trimmed; "" when none
    evidence: tuple[str, ...]  # the indicator and project facts behind the status, as phrases
    note: str = ""  # why the status differs from what the unit stated, for the office


def stated_status(text: str) -> str | None:
    """The status a unit's sentence states in so many words, or None."""
    for status, words in STATUS_WORDS:
        if any(word in text for word in words):
            return status
    return None


def find_sentence(task: PlanTask, paragraphs: Sequence[str], limit: int = 90) -> str:
    """The unit's sentence about ``task``: the first paragraph naming the task (title or an alias), without
    its number and the task's title, cut to whole sentences within ``limit`` characters; "" when none."""
    for paragraph in paragraphs:
        flat = normalise_text(paragraph)
        if not any(key and key in flat for key in task.match_keys):
            continue
        text = _NUMBER_PREFIX.sub("", paragraph).strip()
        for title in sorted((task.title, *task.aliases), key=len, reverse=True):
            if text.startswith(title):
                text = text[len(title) :].lstrip("。.:：,， ")
                break
        return _whole_sentences(text, limit) or text[:limit]
    return ""


def _whole_sentences(text: str, limit: int) -> str:
    kept = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s.strip()):
        if len(kept) + len(sentence) > limit:
            break
        kept += sentence
    return kept.strip()


def evidence_status(task: PlanTask, evidence: TaskEvidence, catalog: Catalog) -> tuple[str | None, list[str]]:
    """What the related indicators and projects say: 滞后 when one lags or a due project is unfinished,
    完成 when every related project is finished and no indicator lags, else None; with the phrases."""
    phrases: list[str] = []
    lagging = False
    for code in task.indicators:
        rating = evidence.ratings.get(code)
        name = catalog.indicator(code).plain_name
        phrases.append(f"{name}{rating}" if rating else f"{name}暂无数据")
        lagging |= rating == "滞后预期"
    finished = bool(task.projects)
    for code in task.projects:
        progress = evidence.projects.get(code)
        project = next(p for p in catalog.projects if p.code == code)
        done = bool(progress) and any(word in str(progress) for word in PROJECT_DONE_WORDS)
        phrases.append(f"{project.name}" + ("已完成" if done else "未报送进展" if not progress else "实施中"))
        finished &= done
    if lagging:
        return "滞后", phrases
    return ("完成" if finished else None), phrases


def assess_task(
    catalog: Catalog,
    plan: Plan,
    aspect: Aspect,
    task: PlanTask,
    reports: Mapping[str, Sequence[str]],
    evidence: TaskEvidence,
    data_year: int,
) -> TaskAssessment:
    """One task's status. ``reports``: unit code → the paragraphs of its report's 主要任务 section, for every
    unit with an accepted report (a unit without one is absent)."""
    found, phrases = evidence_status(task, evidence, catalog)
    speakers = [code for code in (*task.lead, *task.cooperating) if code in reports]
    quoted = next(((code, s) for code in speakers if (s := find_sentence(task, reports[code]))), None)
    leads = "、".join(catalog.unit(code).name for code in task.lead)
    if quoted is None and not any(code in reports for code in task.lead) and found is None:
        return TaskAssessment(plan, aspect, task, "未报送", leads, "", tuple(phrases), "牵头单位未报送总结评估报告")
    unit = catalog.unit(quoted[0]).name if quoted else leads
    sentence = quoted[1] if quoted else ""
    stated = stated_status(sentence) if sentence else None
    lagging = "、".join(phrase for phrase in phrases if phrase.endswith("滞后预期"))
    status, note = _settle(stated, found, sentence, task, data_year, lagging)
    return TaskAssessment(plan, aspect, task, status, unit, sentence, tuple(phrases), note)


def _settle(
    stated: str | None, found: str | None, sentence: str, task: PlanTask, data_year: int, lagging: str = ""
) -> tuple[str, str]:
    """The status from the unit's words and the evidence: the evidence of a lag overrides the words; a task
    past its due year that is not complete is 滞后; words without a status word describe work 推进中.
    ``lagging``: the related indicators that lag, as phrases (“渔业船舶…滞后预期”)."""
    if found == "滞后":
        why = f"相关指标{lagging}" if lagging else "相关指标或工程滞后"
        note = f"单位表述为“{stated}”,但{why}" if stated in ("完成", "基本完成") else "" if stated else why
        return "滞后", note
    status = stated or found or ("推进中" if sentence else "未报送")
    if task.due_year is not None and task.due_year < data_year and status in ("推进中", "基本完成"):
        return "滞后", f"规划要求{task.due_year}年完成,单位表述为“{status}”"
    note = "" if sentence or status != "未报送" else "单位报告未述及该任务"
    return status, note


def assess_plan_tasks(
    catalog: Catalog,
    plan: Plan,
    reports: Mapping[str, Sequence[str]],
    evidence_of: Mapping[str, TaskEvidence],
    data_year: int,
) -> list[TaskAssessment]:
    """Every task of ``plan`` in the plan's order; ``evidence_of``: task code → its evidence."""
    return [
        assess_task(catalog, plan, aspect, task, reports, evidence_of.get(task.code, TaskEvidence()), data_year)
        for aspect in plan.aspects
        for task in aspect.tasks
    ]
