"""The municipal tables from accepted submissions, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil

import pytest
from helpers import filled_form
from sqlalchemy import create_engine, text

from planeval.stages import collect, setup, year_end
from planeval.ui.demo import load_demo_spec


def _drop(home, unit, path, name=None):
    shutil.copyfile(path, home / "drop" / unit / "inbox" / (name or path.name))


def _results(db_url):
    engine = create_engine(db_url)
    with engine.connect() as connection:
        rows = (
            connection.execute(
                text(
                    "SELECT plan_code, indicator_code, to_date_value, full_period_value, schedule_expected, "
                    "computed_rating, self_rating, source_units, conflict FROM indicator_result"
                )
            )
            .mappings()
            .all()
        )
    engine.dispose()
    return {(r["plan_code"], r["indicator_code"]): dict(r) for r in rows}


def test_municipal_tables_from_accepted_submissions(db_url, home, catalog, campaign, tmp_path):
    setup.init_units()
    for unit in ("emergency", "fire_rescue", "public_security", "transport", "agriculture"):
        _drop(home, unit, filled_form(catalog, campaign, unit, tmp_path))
    collect.run_collect()
    stats = year_end.refresh_results()
    assert stats["indicator_rows"] == 26 and stats["submissions_used"] == 5
    results = _results(db_url)
    count = results[("safety", "accident_count_decline")]
    assert count["to_date_value"] == pytest.approx(16.6) and count["full_period_value"] == pytest.approx(18.0)
    assert count["computed_rating"] == "提前实现" and count["schedule_expected"] == pytest.approx(12.0)
    assert results[("emergency", "accident_count_decline")]["computed_rating"] == "提前实现"  # one definition
    firefighters = results[("emergency", "new_fulltime_firefighters")]
    assert (firefighters["to_date_value"], firefighters["full_period_value"]) == (325, 415)
    assert firefighters["computed_rating"] == "符合预期"
    gdp = results[("safety", "gdp_death_rate_decline")]
    assert (gdp["computed_rating"], gdp["self_rating"]) == ("滞后预期", "符合预期")
    road = results[("safety", "road_transport_death_decline")]
    assert road["source_units"] == "public_security,transport"
    assert road["conflict"] == "2024年:牵头单位市公安局报18%,责任单位市交通运输局报17.5%,已采用牵头单位数据"
    assert road["to_date_value"] == pytest.approx(18.0)  # the lead unit's figure is used
    disaster = results[("emergency", "disaster_death_rate")]
    assert disaster["source_units"] == "emergency,agriculture" and disaster["conflict"] is None
    housing = results[("safety", "construction_death_decline")]  # nobody from 住建/建管 reported
    assert housing["computed_rating"] is None and housing["source_units"] is None


def test_latest_accepted_version_wins_and_rejected_versions_do_not_count(db_url, home, catalog, campaign, tmp_path):
    setup.init_units()
    spec = load_demo_spec(catalog)
    first = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="v1.xlsx")
    _drop(home, "fire_rescue", first)
    collect.run_collect()
    year_end.refresh_results()
    assert _results(db_url)[("emergency", "new_fulltime_firefighters")]["to_date_value"] == 325

    spec["indicators"]["new_fulltime_firefighters"] = {"values": [100, 100, 100, 110, 90], "self_rating": "提前实现"}
    second = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="v2.xlsx", spec=spec)
    spec["indicators"]["new_fulltime_firefighters"] = {"values": [1, 1, 1, "未统计", 1], "self_rating": "提前实现"}
    broken = filled_form(catalog, campaign, "fire_rescue", tmp_path, name="v3.xlsx", spec=spec)
    _drop(home, "fire_rescue", second)
    collect.run_collect()
    _drop(home, "fire_rescue", broken)  # uploaded later, but rejected: v2 stays the version used
    collect.run_collect()
    year_end.refresh_results()
    firefighters = _results(db_url)[("emergency", "new_fulltime_firefighters")]
    assert firefighters["to_date_value"] == 410 and firefighters["computed_rating"] == "提前实现"
    archived = sorted(p.name.split("_", 2)[2] for p in (home / "archive" / "fire_rescue").iterdir())
    assert archived == ["v1.xlsx", "v2.xlsx", "v3.xlsx"]  # every version kept


def test_refresh_is_idempotent(db_url, home, catalog, campaign, tmp_path):
    setup.init_units()
    _drop(home, "emergency", filled_form(catalog, campaign, "emergency", tmp_path))
    collect.run_collect()
    year_end.refresh_results()
    first = _results(db_url)
    year_end.refresh_results()
    assert _results(db_url) == first


def test_a_decline_typed_year_on_year_is_recognised_from_the_raw_figures(catalog):
    """Raw accidents 200 (2020), 180 (2023), 171 (2024): against 2020 the 2024 decline is 14.5%; the unit
    typed 5 — the decline on 2023. Its cell stands, and the note tells the office what went wrong."""
    from planeval.assessment.aggregate import _add_derived

    indicator = catalog.indicator("accident_count_decline")
    measures = {
        "accidents": {
            (2020, False): (200, "s:基础数据表!D3"),
            (2023, False): (180, "s:基础数据表!G3"),
            (2024, False): (171, "s:基础数据表!H3"),
        }
    }
    figures = {(2024, False): (5.0, "s:附件3!H3", "reported", None)}
    notes = _add_derived(catalog, indicator, 2020, measures, figures)
    assert notes == [
        "2024年:填报 5,按基础数据计算为 14.5 = (1 − 171 ÷ 200) × 100,疑似按较上年(同比)降幅填报,应为较2020年降幅"
    ]
    assert figures[(2023, False)][:3] == (10.0, "s:基础数据表!G3;s:基础数据表!D3", "derived")
