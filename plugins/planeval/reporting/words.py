"""Numbers and department text as sentences say them, and the sentences drafted from the figures: one
implementation of each phrasing used by the report and the letters.

May import: planeval.catalog, planeval.assessment.arithmetic (the compared figures and their phrases: a
sentence restating a rating reads the figures the rating was decided on)."""

from __future__ import annotations

import re

from planeval.assessment.arithmetic import (
    EPSILON,
    Compared,
    break_words,
    dated_figure,
    expected_words,
    maintenance_words,
    missed_words,
    span_words,
)
from planeval.catalog import Indicator


def plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _subject(indicator: Indicator) -> str:
    """The indicator's name as the subject of a figure: without the 下降/累计 the figure's words say."""
    return indicator.plain_name.removesuffix("下降").removesuffix("累计")


def indicator_phrase(
    indicator: Indicator, current: float | None, first_year: int, data_year: int, *, dated: bool = True
) -> str:
    """The figure an indicator is rated on, as a phrase: “生产安全事故起数2024年较2020年下降16.6%”; without
    the years (``dated=False``) where the sentence before has said them: “生产安全事故起数下降16.6%”."""
    subject = _subject(indicator)
    span = f"{first_year}—{data_year}年" if dated else ""
    if indicator.kind == "decline":
        since = f"{data_year}年较{indicator.base_year}年" if dated else ""
        if current is not None and current < 0:
            return f"{subject}{since}上升{plain_number(-current)}%"
        return f"{subject}{since}下降{plain_number(current)}%"
    if indicator.kind in ("cumulative", "zero"):
        return f"{subject}{span}累计{indicator.with_unit(current)}"
    if indicator.kind == "average":  # “年均每十万人火灾死亡率” → “每十万人火灾死亡率2021—2024年年均为…”
        return f"{subject.removeprefix('年均')}{span}年均{'为' if dated else ''}{indicator.with_unit(current)}"
    return f"{subject}{f'{data_year}年为' if dated else ''}{indicator.with_unit(current)}"


RATING_WORDS = {"提前实现": "已提前实现规划目标", "符合预期": "进度符合预期", "滞后预期": "进度滞后于预期"}


def indicator_sentence(indicator: Indicator, rating: str | None, compared: Compared | None, first_year: int) -> str:
    """One drafted sentence, e.g. “生产安全事故起数2024年较2020年下降16.6%(目标下降超过15%),已提前实现规划
    目标”, from the figures the (computed) ``rating`` was decided on (``Assessment.compared``): the deadline
    year's figure and what followed for a target due before the data year, the breaking years of a zero or
    every-year target."""
    if rating is None or compared is None:
        return f"{indicator.name}:暂无已受理的数据。"
    target = f"(目标{indicator.target_words})"
    if compared.kind in ("zero", "every_year"):
        if compared.breaks:
            head = _subject(indicator) + ";".join(break_words(indicator, *year) for year in compared.breaks)
        else:
            held = "均为零" if compared.kind == "zero" else "每年均满足目标"
            head = f"{_subject(indicator)}{span_words(compared.first_year, compared.year)}{held}"
        return f"{head}{target},{RATING_WORDS[rating]}。"
    if compared.past_deadline:
        head = _subject(indicator) + dated_figure(indicator, compared.year, compared.figure, first_year)
        target = f"(目标{indicator.target_words},期限{compared.deadline}年)"
        if not compared.met:
            return f"{head}{target},未按期实现规划目标。"
        after = {"保持": ",此后保持", "回落": f",但{maintenance_words(indicator, compared)}", None: ""}
        return f"{head}{target},已按期实现规划目标{after[compared.maintenance]}。"
    head = indicator_phrase(indicator, compared.figure, first_year, compared.year)
    return f"{head}{target},{RATING_WORDS[rating]}。"


_CLOSING_PUNCTUATION = frozenset("。;；,，")


def clause(text: str | None) -> str:
    """Department text placed inside a sentence: no closing punctuation of its own."""
    clause = (text or "").strip()
    while clause and clause[-1] in _CLOSING_PUNCTUATION:
        clause = clause[:-1]
    return clause


def forecast_lines(
    plan_name: str, end_year: int, on_track: list[str], off_track: list[str], trend_differs: list[str]
) -> list[str]:
    if not on_track and not off_track:
        return [f"{plan_name}各指标暂无{end_year}年预测值。"]
    lines = [f"根据责任单位的{end_year}年预测值,{plan_name}有{len(on_track)}项指标预计能够完成规划目标。"]
    if off_track:
        lines.append(f"预计难以完成规划目标的指标{len(off_track)}项:{'、'.join(off_track)},需重点督促。")
    if trend_differs:
        lines.append(
            f"按{end_year - 4}年以来的变化趋势外推,以下指标的判断与责任单位预测不同,请核实预测依据:"
            + "、".join(trend_differs)
            + "。"
        )
    return lines


def gap_sentence(indicator: Indicator, compared: Compared | None, first_year: int) -> str:
    """How far a lagging indicator is from what it was rated against, in one sentence, from the figures the
    rating compared: 序时进度's figure before the deadline (worded as the reason words it), the target itself
    at or past the deadline, each breaking year of a zero or every-year target."""
    if compared is None:
        return "暂无数据。"
    if compared.kind in ("zero", "every_year"):
        broken = [break_words(indicator, *year) for year in compared.breaks]
        if compared.kind == "zero":
            return f"规划目标为零,{'、'.join(broken)}。"
        return f"{';'.join(broken)}。"
    year, figure, expected = compared.year, compared.figure, compared.expected
    shown = dated_figure(indicator, year, figure, first_year)
    words, short = indicator.target_words, _shortfall(indicator, figure)
    if compared.data_year >= compared.deadline:  # the deadline has come: the target itself is asked
        return f"{shown},未按期({compared.deadline}年)实现规划目标({words}){short}。"
    if expected is None or figure + EPSILON >= expected:
        return f"{shown},规划目标{words}{short}。"
    asked = expected_words(indicator, expected)
    if indicator.kind == "qualitative":
        return f"{shown},低于序时进度要求的{asked}。"
    if indicator.kind == "decline":  # the figure is a decline: say so, against its base year
        return f"{shown},按序时进度应下降{asked},相差{plain_number(abs(expected - figure))}个百分点。"
    return f"{shown},按序时进度应达到{asked},相差{plain_number(abs(expected - figure))}{_gap_unit(indicator)}。"


def _gap_unit(indicator: Indicator) -> str:
    return "个百分点" if indicator.is_percent else indicator.unit


def _shortfall(indicator: Indicator, figure: float) -> str:
    """How far a figure misses its target, after a comma: ,超出0.02人/十万人 (a ceiling), ,尚差5个百分点; exactly
    at a strict target's value, ,未低于0.25人/十万人 (never “尚差0”); a rank, ,未进入前3名; a scale word or a
    figure that meets the target, nothing."""
    target = indicator.target
    if indicator.kind == "qualitative" or target.is_met(figure):
        return ""
    gap = abs(target.value - figure)
    if indicator.kind == "ranking" or gap < EPSILON:
        return f",{missed_words(indicator)}"
    verb = "超出" if target.is_ceiling else "尚差"
    return f",{verb}{plain_number(gap)}{_gap_unit(indicator)}"


def trend_sentence(indicator: Indicator, end_year: int, own: float | None, trend: float | None) -> str:
    """The unit's end-year forecast beside the straight-line trend."""
    parts = []
    if own is not None:
        parts.append(f"责任单位预测{end_year}年为{indicator.with_unit(own)}")
    if trend is not None:
        parts.append(f"按历年趋势外推为{indicator.with_unit(trend)}")
    return ",".join(parts) + "。" if parts else f"暂无{end_year}年预测。"


def first_sentence(text: str | None, limit: int = 60) -> str:
    """Department text shortened for a sentence of the body: its first sentence (to the first 。 or ；), and
    when that is longer than ``limit``, its clauses up to the limit; no closing punctuation (``clause``)."""
    sentence = clause(re.split(r"[。；;！？]", (text or "").strip(), maxsplit=1)[0])
    if len(sentence) <= limit:
        return sentence
    kept = ""
    for part in re.split(r"(?<=[，,])", sentence):
        if len(kept) + len(part) > limit:
            break
        kept += part
    return clause(kept) or sentence[:limit]
