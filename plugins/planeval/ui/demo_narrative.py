"""The demo's narrative report (总结评估报告, .docx): a unit's text written to 附件1's framework.

The framework's section titles are the catalog's (forms.yaml ``summary_report.sections``); the wording is demo
data (demo.yaml ``narrative``). Every choice is a stable hash of the unit's and the task's codes: two runs
write the same text, while units differ in wording, numbers, heading style and bracket width.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planeval.catalog import Campaign, Catalog, Indicator, Unit
from planeval.catalog.layouts import chinese_count
from planeval.catalog.model import PlanTask, ReportSection
from planeval.ui.demo import indicator_entry

CHAPTERS = ("problems", "outlook")  # framework sections written as chapters (二、三、); the others go under 一、
DEFAULT_TEXT = "本单位按照规划要求推进相关工作。"
DEFAULT_OVERALL = "规划实施总体进展情况"
DEFAULT_STATUSES: dict[str, Any] = {"完成": {"share": 1, "texts": ["已完成。"]}}
NUMBER_SPANS = {"n1": (3, 10), "n2": (20, 280), "n3": (1000, 9000), "pct": (85, 15), "pct_low": (35, 30)}
NUMBER_SPANS["small"] = (10, 20)

Body = dict[str, list[str]]  # section key → its paragraphs


def stable(*parts: str) -> int:
    """A hash that is the same in every run (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.sha256("|".join(parts).encode("utf-8")).digest()[:8], "big")


def pick(options: Sequence[str], *parts: str) -> str:
    return options[stable(*parts) % len(options)] if options else DEFAULT_TEXT


@dataclass(frozen=True)
class Voice:
    """How one unit writes: its placeholders and its heading style."""

    unit: Unit
    values: Mapping[str, object]
    word_headings: bool  # Word's heading styles; otherwise bold plain paragraphs
    full_width: bool  # （一） rather than (一)
    stop: bool  # a 。 after a （一） heading

    def say(self, template: str, *seed: str, **extra: object) -> str:
        """The template filled with the unit's placeholders and numbers that vary by unit and ``seed``."""
        numbers = {key: low + stable(self.unit.code, *seed, key) % width for key, (low, width) in NUMBER_SPANS.items()}
        return template.format_map({**self.values, **numbers, **extra})


def unit_voice(catalog: Catalog, campaign: Campaign, unit: Unit, narrative: Mapping[str, Any]) -> Voice:
    plans = catalog.campaign_plans(campaign)
    field = (narrative.get("fields") or {}).get(unit.code) or re.sub(
        r"(管理局|委员会|局|委|大队|中心|公司|集团|部)$", "", re.sub(r"^[市区县]", "", unit.name)
    )
    values = {
        "unit": unit.name,
        "field": field,
        "year": campaign.data_year,
        "start": min((p.period[0] for p in plans), default=campaign.data_year),
        "final": max((p.period[1] for p in plans), default=campaign.year),
        "plans": "、".join(f"“{p.short_name}”" for p in plans),
    }
    layout = stable(unit.code, "layout")
    return Voice(unit, values, word_headings=layout % 2 == 0, full_width=layout // 2 % 2 == 0, stop=layout % 3 == 0)


def quotas(shares: Sequence[float], total: int) -> list[int]:
    """``total`` split by ``shares`` (largest remainder): the counts add up to ``total`` exactly."""
    weight = sum(shares) or 1.0
    exact = [share / weight * total for share in shares]
    counts = [int(value) for value in exact]
    for index in sorted(range(len(shares)), key=lambda i: (counts[i] - exact[i], i))[: total - sum(counts)]:
        counts[index] += 1
    return counts


def task_statuses(catalog: Catalog, campaign: Campaign, narrative: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """The status each lead unit reports for each task of the campaign's plans, keyed (unit code, task code).

    ``task_status`` where the demo sets one; the other pairs, in a stable-hash order, fill the statuses'
    shares in turn, so the mix is as configured for any number of tasks."""
    fixed: Mapping[str, str] = narrative.get("task_status") or {}
    statuses: Mapping[str, Any] = narrative.get("statuses") or DEFAULT_STATUSES
    pairs = [(lead, t.code) for plan in catalog.campaign_plans(campaign) for t in plan.tasks for lead in t.lead]
    free = sorted((pair for pair in pairs if pair[1] not in fixed), key=lambda pair: stable(*pair))
    counts = quotas([float(entry.get("share", 0)) for entry in statuses.values()], len(free))
    chosen = [status for status, count in zip(statuses, counts, strict=True) for _ in range(count)]
    return {**dict(zip(free, chosen, strict=True)), **{pair: fixed[pair[1]] for pair in pairs if pair[1] in fixed}}


def task_lead_words(task: PlanTask) -> str:
    """The task's number and title as the catalog has them, then 。: “1.完善应急管理组织架构。”."""
    number = task.number
    separator = "." if number[-1:].isdigit() else ("" if number[-1:] in ")）" else "、")
    return f"{number}{separator}{task.title}。"


def task_paragraphs(catalog: Catalog, campaign: Campaign, voice: Voice, narrative: Mapping[str, Any]) -> list[str]:
    """One paragraph per task the unit leads (its status sentence), a short one on up to two it cooperates on."""
    code = voice.unit.code
    statuses: Mapping[str, Any] = narrative.get("statuses") or DEFAULT_STATUSES
    reported = task_statuses(catalog, campaign, narrative)
    tasks = [task for plan in catalog.campaign_plans(campaign) for task in plan.tasks]
    paragraphs = []
    for task in (t for t in tasks if code in t.lead):
        status = reported[(code, task.code)]
        texts = (statuses.get(status) or {}).get("texts") or [f"{status}。"]
        content = re.split(r"[;；。]", task.content)[0] or task.title
        sentence = voice.say(pick(texts, code, task.code), task.code, content=content, title=task.title)
        paragraphs.append(task_lead_words(task) + sentence)
    for task in [t for t in tasks if code in t.cooperating][:2]:
        lead = "、".join(catalog.unit(c).name for c in task.lead)
        template = pick(narrative.get("cooperating") or [], code, task.code, "cooperating")
        paragraphs.append(voice.say(template, task.code, lead=lead, title=task.title))
    return paragraphs or [voice.say(pick(narrative.get("no_tasks") or [], code, "no_tasks"), "no_tasks")]


def indicator_facts(catalog: Catalog, campaign: Campaign, unit: Unit, spec: dict[str, Any]) -> list[dict[str, str]]:
    """The unit's indicators with the demo's figure for the data year, self-rating and analysis."""
    facts: list[dict[str, str]] = []
    for plan in catalog.campaign_plans(campaign):
        for indicator in catalog.plan_indicators(plan.code):
            if unit.code not in indicator.responsible or any(f["code"] == indicator.code for f in facts):
                continue
            years = plan.period[1] - plan.period[0] + 1
            values, rating, analysis = indicator_entry(spec, indicator, unit.code, years)
            index = campaign.data_year - plan.period[0]
            typed = values[index] if 0 <= index < len(values) else None
            figure = indicator.scale_rank(typed) if isinstance(typed, str) else typed  # a scale word: its rank
            facts.append(_fact(indicator, figure, rating, analysis))
    return facts


def _fact(indicator: Indicator, figure: float | None, rating: str, analysis: str) -> dict[str, str]:
    name = indicator.name.replace("(%)", "").replace("（%）", "")
    value = indicator.with_unit(figure)
    target = indicator.target_words
    fact = {"code": indicator.code, "name": name, "value": value, "target": target, "rating": rating}
    return fact | {"analysis": analysis}


def indicator_paragraphs(
    catalog: Catalog, campaign: Campaign, voice: Voice, narrative: Mapping[str, Any], spec: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """The unit's sentence on its own indicators, and one problem sentence per indicator rated 滞后预期."""
    texts: Mapping[str, Any] = narrative.get("indicators") or {}
    code = voice.unit.code
    facts = indicator_facts(catalog, campaign, voice.unit, spec)
    if not facts:
        return [voice.say(pick(texts.get("none") or [], code, "indicators"), "indicators")], []
    item = texts.get("item") or "“{name}”{year}年为{value},自评“{rating}”"
    listed = ";".join(voice.say(item, f["code"], **f) for f in facts)
    opening = pick(texts.get("own") or ["{list}。"], code, "indicators")
    paragraph = voice.say(opening, "indicators", count=len(facts), list=listed)
    analyses = [voice.say(texts.get("analysis") or "{analysis}", f["code"], **f) for f in facts if f["analysis"]]
    problem = texts.get("problem") or "“{name}”进度滞后于序时要求。"
    lagging = [voice.say(problem, f["code"], **f) for f in facts if f["rating"] == "滞后预期"]
    return [paragraph + "".join(analyses)], ["".join(lagging)] if lagging else []


def department_body(
    catalog: Catalog, campaign: Campaign, voice: Voice, narrative: Mapping[str, Any], spec: dict[str, Any]
) -> Body:
    sections: Mapping[str, Sequence[str]] = narrative.get("sections") or {}
    indicators, lagging = indicator_paragraphs(catalog, campaign, voice, narrative, spec)
    body = {"indicators": indicators, "tasks": task_paragraphs(catalog, campaign, voice, narrative)}
    for key in ("measures", "achievements", "problems", "outlook"):
        body[key] = [voice.say(pick(sections.get(key) or [], voice.unit.code, key), key)]
    body["problems"] = lagging + body["problems"]
    return body


def town_body(catalog: Catalog, campaign: Campaign, voice: Voice, narrative: Mapping[str, Any]) -> Body:
    """A town's shorter report on its area: one paragraph a section, the plans' tasks in general."""
    town: Mapping[str, Sequence[str]] = narrative.get("town") or {}
    sections: Mapping[str, Sequence[str]] = narrative.get("sections") or {}
    task_count = sum(len(plan.tasks) for plan in catalog.campaign_plans(campaign))
    body: Body = {}
    for key in ("indicators", "tasks", "measures", "achievements", "problems", "outlook"):
        template = pick(town.get(key) or sections.get(key) or [], voice.unit.code, key)
        body[key] = [voice.say(template, key, task_count=task_count)]
    return body


def add_artefacts(body: Body, artefacts: Sequence[Mapping[str, Any]]) -> None:
    """What a clerk leaves in: appended to a section's first paragraph, or (paragraph: true) a paragraph of its own."""
    for artefact in artefacts:
        paragraphs = body.get(str(artefact.get("section")))
        if not paragraphs:
            continue
        if artefact.get("paragraph"):
            paragraphs.append(str(artefact["text"]))
        else:
            paragraphs[0] += str(artefact["text"])


def write_narrative(catalog: Catalog, campaign: Campaign, unit: Unit, target: Path, spec: dict[str, Any]) -> Path:
    """Write the unit's 总结评估报告 to ``target``, following the catalog's framework sections."""
    from docx import Document

    narrative: Mapping[str, Any] = spec.get("narrative") or {}
    voice = unit_voice(catalog, campaign, unit, narrative)
    if unit.kind == "town":
        body = town_body(catalog, campaign, voice, narrative)
    else:
        body = department_body(catalog, campaign, voice, narrative, spec)
    add_artefacts(body, (narrative.get("artefacts") or {}).get(unit.code) or [])
    missing = set((narrative.get("missing_sections") or {}).get(unit.code) or [])
    form = catalog.forms.summary_report
    sections = [s for s in (form.sections if form else ()) if s.key not in missing and body.get(s.key)]
    document = Document()
    _heading(document, voice, voice.say(narrative.get("title") or "{unit}总结评估报告", "title"), 0)
    _heading(document, voice, f"一、{narrative.get('overall') or DEFAULT_OVERALL}", 1)
    parts = [s for s in sections if s.key not in CHAPTERS]
    chapters = [s for s in sections if s.key in CHAPTERS]
    opening, closing = ("（", "）") if voice.full_width else ("(", ")")
    for number, section in enumerate(parts, start=1):
        stop = "。" if voice.stop else ""
        _heading(document, voice, f"{opening}{chinese_count(number)}{closing}{section.title}{stop}", 2)
        _paragraphs(document, body, section)
    for number, section in enumerate(chapters, start=2):
        _heading(document, voice, f"{chinese_count(number)}、{section.title}", 1)
        _paragraphs(document, body, section)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))
    return target


def _heading(document: Any, voice: Voice, text: str, level: int) -> None:
    """A Word heading for units that use the styles; a bold paragraph (centred for the title) for the others."""
    if voice.word_headings:
        document.add_heading(text, level=level)
        return
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    if level == 0:
        paragraph.alignment = 1  # WD_ALIGN_PARAGRAPH.CENTER


def _paragraphs(document: Any, body: Body, section: ReportSection) -> None:
    for text in body[section.key]:
        document.add_paragraph(text)
