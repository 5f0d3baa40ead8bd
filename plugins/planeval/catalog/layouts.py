"""Form layouts resolved for a campaign: the columns of 附件3/附件4 (and 附件5/附件6, the work-point, contacts and
基础数据 tables) with their headers and aliases, the year columns expanded from the plan period and the
campaign's data year, so the same catalog serves an annual run and the summary.

May import: planeval.catalog.model, planeval.catalog.catalog, planeval.catalog.text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from planeval.catalog.catalog import Catalog, CatalogError
from planeval.catalog.model import Campaign, Plan, TableForm
from planeval.catalog.text import normalise_text

_CN_DIGITS = "零一二三四五六七八九十"


def chinese_count(number: int) -> str:
    """1–10 as the Chinese numeral used in headers such as 前四年."""
    return _CN_DIGITS[number] if 0 <= number <= 10 else str(number)


@dataclass(frozen=True)
class Column:
    """One column of a resolved layout: ``key`` is what code uses, ``header`` what people see."""

    key: str
    header: str
    names: frozenset[str]  # normalised header and aliases
    required: bool
    year: int | None = None


def _expand(form: TableForm, key: str, **values: object) -> tuple[str, frozenset[str]]:
    spec = form.column(key)
    header = spec.header.format(**values)
    names = frozenset(normalise_text(text.format(**values)) for text in (spec.header, *spec.aliases))
    return header, names


def indicator_layout(catalog: Catalog, plan: Plan, campaign: Campaign) -> list[Column]:
    """Columns of the indicator table for ``plan`` in ``campaign``, in the official order.

    Headers and aliases in forms.yaml may use {year}, {years_cn} (四), {years_n} (4), {first_year},
    {data_year} and {last_year}: e.g. 前{years_n}年年均/累计 or {first_year}-{data_year}年年均/累计.
    """
    return list(_indicator_layout(catalog.forms.indicator_table, plan, campaign))


@lru_cache(maxsize=256)  # called per row when a batch is validated; the models are frozen, hence hashable
def _indicator_layout(form: TableForm, plan: Plan, campaign: Campaign) -> tuple[Column, ...]:
    first_year, last_year = plan.period
    data_year = min(campaign.data_year, last_year)
    years = data_year - plan.base_year
    values = {
        "years_cn": chinese_count(years),
        "years_n": years,
        "first_year": first_year,
        "data_year": data_year,
        "last_year": last_year,
    }
    columns: list[Column] = []
    for spec in form.columns:
        if spec.key == "actual":
            for year in range(first_year, data_year + 1):
                header, names = _expand(form, "actual", **values, year=year)
                columns.append(Column(f"y{year}", header, names, spec.required, year))
        elif spec.key == "forecast":
            if data_year < last_year:
                header, names = _expand(form, "forecast", **values, year=last_year)
                columns.append(Column("forecast", header, names, spec.required, last_year))
        elif spec.key == "to_date":
            if data_year < last_year:
                header, names = _expand(form, "to_date", **values)
                columns.append(Column("to_date", header, names, spec.required))
        else:
            header, names = _expand(form, spec.key, **values)
            columns.append(Column(spec.key, header, names, spec.required))
    return tuple(columns)


def figures_layout(catalog: Catalog, campaign: Campaign) -> list[Column]:
    """Columns of the 基础数据表: the base year, the actual years and the forecast of the campaign's plans."""
    plan = catalog.campaign_plans(campaign)[0]
    return list(_figures_layout(catalog.forms.figures_table, plan, campaign))


@lru_cache(maxsize=64)
def _figures_layout(form: TableForm, plan: Plan, campaign: Campaign) -> tuple[Column, ...]:
    first_year, last_year = plan.period
    data_year = min(campaign.data_year, last_year)
    columns: list[Column] = []
    for spec in form.columns:
        if spec.key == "base":
            columns.append(Column("base", *_expand(form, "base", year=plan.base_year), spec.required, plan.base_year))
        elif spec.key == "actual":
            for year in range(first_year, data_year + 1):
                columns.append(Column(f"y{year}", *_expand(form, "actual", year=year), spec.required, year))
        elif spec.key == "forecast":
            if data_year < last_year:
                columns.append(Column("forecast", *_expand(form, "forecast", year=last_year), spec.required, last_year))
        else:
            columns.append(Column(spec.key, *_expand(form, spec.key), spec.required))
    return tuple(columns)


def project_layout(catalog: Catalog) -> list[Column]:
    """Columns of the key-project table (附件4); the catalog's forms.yaml must define it."""
    form = catalog.forms.project_table
    if form is None:
        raise CatalogError(f"{catalog.root}: forms.yaml 未定义表单 'project_table'")
    return row_table_layout(form)


def row_table_layout(form: TableForm) -> list[Column]:
    """Columns of a table whose rows are named entries (key projects, work points, contacts)."""
    return [Column(spec.key, *_expand(form, spec.key), spec.required) for spec in form.columns]


def year_columns(layout: list[Column]) -> list[Column]:
    """The numeric per-year columns: actual years then the forecast."""
    return [c for c in layout if c.year is not None]


def period_columns(layout: list[Column]) -> list[Column]:
    """The 前N年 / 五年 年均·累计 columns: numbers too, checked against the yearly values."""
    return [c for c in layout if c.key in ("to_date", "full_period")]
