"""Numbers and department text as sentences say them, and the sentences drafted from the figures: one
implementation of each phrasing used by the report and the letters.

May import: planeval.catalog."""

from __future__ import annotations

import re

from planeval.catalog import Indicator


def plain_number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def indicator_phrase(
    indicator: Indicator, current: float | None, first_year: int, data_year: int, *, dated: bool = True
) -> str:
    """The figure an indicator is rated on, as a phrase: “生产安全事故起数2024年较2020年下降16.6%”; without
    the years (``dated=False``) where the sentence before has said them: “生产安全事故起数下降16.6%”."""
    subject = indicator.plain_name.removesuffix("下降").removesuffix("累计")
    span = f"{first_year}—{data_year}年" if dated else ""
    if indicator.kind == "decline":
        since = f"{data_year}年较{indicator.base_year}年" if dated else ""
        if current is not None and current < 0:
            return f"{subject}{since}上升{plain_number(-current)}%"
        return f"{subject}{since}下降{plain_number(current)}%"
    if indicator.kind == "cumulative":
        return f"{subject}{span}累计{indicator.with_unit(current)}"
    if indicator.kind == "average":  # “年均每十万人火灾死亡率” → “每十万人火灾死亡率2021—2024年年均为…”
        return f"{subject.removeprefix('年均')}{span}年均{'为' if dated else ''}{indicator.with_unit(current)}"
    return f"{subject}{f'{data_year}年为' if dated else ''}{indicator.with_unit(current)}"


RATING_WORDS = {"提前实现": "已提前实现规划目标", "符合预期": "进度符合预期", "滞后预期": "进度滞后于预期"}


def indicator_sentence(
    indicator: Indicator, rating: str | None, current: float | None, first_year: int, data_year: int
) -> str:
    """One drafted sentence, e.g. “生产安全事故起数较2020年下降16.6%(目标下降超过15%),已提前实现规划目标”:
    ``current`` is the figure the (computed) ``rating`` is based on."""
    if rating is None:
        return f"{indicator.name}:暂无已受理的数据。"
    head = indicator_phrase(indicator, current, first_year, data_year)
    return f"{head}(目标{indicator.target_words}),{RATING_WORDS[rating]}。"


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


def gap_sentence(indicator: Indicator, current: float | None, expected: float | None, data_year: int) -> str:
    """How far a lagging indicator is from where 序时进度 (or the target) wants it, in one sentence."""
    if current is None:
        return "暂无数据。"
    target = indicator.target
    if expected is not None:
        if indicator.kind == "qualitative":
            return f"{data_year}年为“{indicator.display(current)}”,低于序时进度要求。"
        if indicator.kind == "decline":  # the figure is a decline: say so, against its base year
            return (
                f"{data_year}年较{indicator.base_year}年下降{plain_number(current)}%,按序时进度应下降"
                f"{plain_number(expected)}%,相差{plain_number(abs(expected - current))}个百分点。"
            )
        return (
            f"{data_year}年为{indicator.with_unit(current)},按序时进度应达到{indicator.with_unit(expected)},"
            f"相差{plain_number(abs(expected - current))}{'个百分点' if indicator.is_percent else indicator.unit}。"
        )
    if indicator.kind == "zero":
        return f"规划目标为零,{data_year}年前累计{indicator.with_unit(current)}。"
    return (
        f"{data_year}年为{indicator.with_unit(current)},规划目标{indicator.target_words},"
        f"尚差{plain_number(abs(target.value - current))}{'个百分点' if indicator.is_percent else indicator.unit}。"
    )


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
