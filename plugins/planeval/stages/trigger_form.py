"""The DAGs' trigger forms: what the fields offer and default to, read from the catalog when a DAG file is
parsed, and what a run takes from them.

Parsing must stay cheap, so this reads only ``catalog.yaml``, ``campaigns.yaml`` and ``plans.yaml`` with
PyYAML (once per process and catalog folder) — never the validated catalog (pydantic, cross-checks). A catalog
that cannot be read leaves free text fields; the run's first task then reports the catalog's own error.

Imports only planeval.settings and planeval.dates (the DAG files import it at parse time).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from airflow.sdk import Param

from planeval.dates import DEFAULT_TIMEZONE, monitoring_window, today_in, unguessed
from planeval.settings import get_settings


@dataclass(frozen=True)
class CampaignChoice:
    code: str
    name: str
    year: int
    data_cutoff: str
    window: tuple[dt.date, dt.date] | None  # the days the monitor watches it
    dues: tuple[dt.date, ...]

    @property
    def label(self) -> str:
        return f"{self.year}年 {self.name}({self.code})"


@dataclass(frozen=True)
class FormChoices:
    campaigns: tuple[CampaignChoice, ...]
    plans: tuple[tuple[str, str], ...]  # (code, name)
    timezone: str = DEFAULT_TIMEZONE
    problem: str = ""  # why the catalog could not be read: the fields stay free text
    office: str = "安委办"  # catalog.yaml short_office (市安委办, 区安委办): names the approval task

    def today(self) -> dt.date:
        return today_in(self.timezone)

    def default_campaign(self, day: dt.date | None = None) -> str | None:
        """The form's default: the only campaign open on ``day`` (default today), or, none being open, the
        catalog's only one (``planeval.dates.unguessed``, the rule ``Catalog.campaign`` applies); None when
        that would be a guess — the person triggering then picks one."""
        day = day or self.today()
        opened = [c for c in self.campaigns if c.window and c.window[0] <= day <= c.window[1]]
        chosen = unguessed(opened, self.campaigns)
        return chosen.code if chosen else None


def _campaign_choice(entry: Mapping[str, Any]) -> CampaignChoice:
    dues = tuple(_date(d["due"]) for d in entry.get("deadlines") or [])
    opens = _date(entry["opens"]) if entry.get("opens") else None
    return CampaignChoice(
        code=str(entry["code"]),
        name=str(entry.get("name") or entry["code"]),
        year=int(entry["year"]),
        data_cutoff=str(entry["data_cutoff"]),
        window=monitoring_window(opens, dues, int(entry.get("follow_up_days", 30))),
        dues=dues,
    )


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


@functools.cache
def _read(catalog_dir: Path) -> FormChoices:
    try:
        manifest = _yaml(catalog_dir / "catalog.yaml")
        files = manifest["files"]
        campaigns = tuple(_campaign_choice(entry) for entry in _yaml(catalog_dir / files["campaigns"]) or [])
        plans_raw = _yaml(catalog_dir / files["plans"]) if "plans" in files else []
        plans = tuple((str(p["code"]), str(p.get("name") or p["code"])) for p in plans_raw or [])
        office = str(manifest.get("short_office") or manifest.get("office") or FormChoices.office)
        return FormChoices(campaigns, plans, str(manifest.get("timezone") or DEFAULT_TIMEZONE), office=office)
    except Exception as exc:  # a DAG file must parse whatever the catalog's state: the run reports it
        return FormChoices((), (), problem=f"目录 {catalog_dir} 无法读取({type(exc).__name__}),运行时将报告原因")


def read_choices(catalog_dir: Path | None = None) -> FormChoices:
    """The campaigns and plans the forms offer, from the catalog in PLANEVAL_CATALOG (default 海安)."""
    return _read((catalog_dir or get_settings().catalog_dir).resolve())


def campaign_param(choices: FormChoices, description: str) -> Param:
    """A drop-down of the catalog's campaigns, by Chinese name, defaulting to the only one open today (or the
    catalog's only one). With several and no such default the field starts empty (and may stay so: the run
    then refuses to guess and lists them). Without a readable catalog: a free code field, empty meaning the
    same rule."""
    if not choices.campaigns:
        return Param(
            "", type=["null", "string"], title="评估任务", description=f"{description}。{choices.problem}".strip("。")
        )
    default = choices.default_campaign()
    codes: list[str | None] = [c.code for c in choices.campaigns]
    return Param(
        default,
        type="string" if default else ["null", "string"],
        enum=codes if default else [None, *codes],
        values_display={c.code: c.label for c in choices.campaigns},
        title="评估任务",
        description=description if default else f"{description}。当日没有唯一正在进行的评估任务,请选择",
    )


def plans_param(choices: FormChoices) -> Param:
    """A multi-select of the catalog's plans; empty: every plan of the campaign."""
    codes = [code for code, _ in choices.plans]
    pick: dict[str, Any] = {"examples": codes, "values_display": dict(choices.plans)} if codes else {}
    return Param(
        [],
        type=["null", "array"],
        items={"type": "string", "enum": codes} if codes else {"type": "string"},
        title="规划",
        description="只评估所选规划;不选则评估该评估任务的全部规划",
        **pick,
    )


def date_param(title: str, description: str, default: dt.date | None) -> Param:
    """A date picker (ISO date, e.g. 2025-06-17); empty is allowed and means the stage's own default."""
    return Param(
        default.isoformat() if default else None,
        type=["null", "string"],
        format="date",
        title=title,
        description=description,
    )


REOPEN_TITLE = "重新开放(需填写原因)"


def reopen_param() -> Param:
    """The year-end form's reopening: a reason ends the campaign's lock before aggregating (recorded with the
    run's user); empty leaves a locked campaign locked. docs/approval.md."""
    return Param(
        "",
        type=["null", "string"],
        title=REOPEN_TITLE,
        description="本期评估已定稿锁定、需更正数据时填写原因:先重新开放再汇总,批准后重新锁定;未锁定时不填",
    )


def from_form(params: Mapping[str, Any] | None, key: str, run_type: object) -> Any:
    """The form's value for a run started by hand; None (resolved when the run starts: the campaign open
    that day, today) for a scheduled or asset-triggered run, whose form defaults were fixed at parse time."""
    if params is None or str(getattr(run_type, "value", run_type)) != "manual":
        return None
    value = params.get(key)
    return value if value not in ("", []) else None
