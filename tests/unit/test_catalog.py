from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from planeval.catalog import CatalogError, load_catalog, normalise_text, parse_target
from planeval.settings import DEFAULT_CATALOG, get_settings


def test_haian_catalog_holds_both_plans_of_seed_004(catalog):
    safety, emergency = catalog.plan("safety"), catalog.plan("emergency")
    assert safety.indicator_table.annex == "附件3" and len(safety.indicator_table.indicators) == 9
    assert emergency.indicator_table.annex == "附件4" and len(emergency.indicator_table.indicators) == 17
    shared = set(safety.indicator_table.indicators) & set(emergency.indicator_table.indicators)
    assert shared == {
        "accident_count_decline",
        "accident_death_decline",
        "gdp_death_rate_decline",
        "industry_death_rate_decline",
    }
    assert len(catalog.indicators) == 22  # one definition each, used by both tables
    attributes = [catalog.indicator(c).attribute for c in emergency.indicator_table.indicators]
    assert attributes.count("约束性") == 5 and attributes.count("预期性") == 12  # as the notice says


def test_targets_comparators_and_units_as_printed(catalog):
    expected = {
        "accident_count_decline": (">", 15.0),
        "road_transport_death_decline": ("≥", 20.0),
        "fire_death_rate": ("<", 0.2),
        "relief_time": ("≤", 10.0),
        "shelter_area_per_capita": ("≥", 2.5),
        "major_risk_report_rate": ("≥", 100.0),
        "weather_warning_coverage": ("≥", 95.0),
        "new_fulltime_firefighters": ("≥", 400.0),
    }
    for code, (comparator, value) in expected.items():
        target = catalog.indicator(code).target
        assert (target.comparator, target.value) == (comparator, value), code
    assert catalog.indicator("relief_time").target.suffix == "h"
    assert catalog.indicator("shelter_area_per_capita").target.text == "≥2.5m²"


def test_responsible_units_several_where_the_table_lists_several(catalog):
    assert catalog.indicator("road_transport_death_decline").responsible == ("public_security", "transport")
    assert catalog.indicator("construction_death_decline").responsible == ("housing", "construction_mgmt")
    assert catalog.indicator("disaster_death_rate").responsible == ("emergency", "agriculture")


def test_units_of_annex_8_deduplicated_plus_marked_demo_towns(catalog):
    departments = [u for u in catalog.units if u.kind == "department"]
    towns = [u for u in catalog.units if u.kind == "town"]
    # 25 (安全生产) + 23 (应急) names, 18 bodies on both lists under variant spellings → 30 distinct.
    assert len(departments) == 30
    assert len(towns) == 17 and all(t.demo and "演示" in t.name for t in towns)
    for variant in ("消防大队", "消防救援", "市场监督局", "交通局", "资规划局", "卫健委员", "市域治理中心", "市教局"):
        assert catalog.resolve_unit_name(variant) is not None, variant
    assert catalog.resolve_unit_name("消防大队").code == catalog.resolve_unit_name("消防救援大队").code


def test_campaign_dates_of_the_notice(catalog):
    campaign = catalog.campaign(year=2025)
    assert campaign.data_cutoff.isoformat() == "2024-12-31" and campaign.data_year == 2024
    assert campaign.due("summary_report").isoformat() == "2025-06-16"
    assert campaign.due("indicator_table").isoformat() == "2025-06-16"
    assert campaign.due("contacts").isoformat() == "2025-05-15"


def test_expected_forms_follow_responsibility(catalog):
    campaign = catalog.campaign(year=2025)
    assert catalog.expected_forms(campaign, catalog.unit("emergency")) == [
        "contacts",
        "indicator_table",
        "summary_report",
    ]
    assert catalog.expected_forms(campaign, catalog.unit("finance")) == ["contacts", "summary_report"]
    assert catalog.expected_forms(campaign, catalog.unit("town_01")) == ["contacts", "summary_report"]


def test_parse_target_requires_a_comparator_for_bare_numbers():
    with pytest.raises(ValueError, match="没有比较符"):
        parse_target("100")
    assert parse_target("100", "≥").comparator == "≥"
    assert parse_target(">=3").comparator == "≥"
    with pytest.raises(ValueError, match="矛盾"):
        parse_target(">15", "<")


def test_normalise_text_folds_width_spaces_and_line_breaks():
    assert normalise_text("规划\n属性") == normalise_text("规划属性")
    assert normalise_text("生产安全事故起数下降 （％）") == normalise_text("生产安全事故起数下降(%)")


def _copy_catalog(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, target)
    return target


def _edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_unknown_responsible_unit_is_named_with_its_file_and_key(tmp_path):
    folder = _copy_catalog(tmp_path)
    _edit_yaml(folder / "indicators.yaml", lambda data: data[0].update(responsible=["no_such_unit"]))
    with pytest.raises(
        CatalogError, match=r"indicators\[accident_count_decline\]\.responsible: 未知单位 'no_such_unit'"
    ):
        load_catalog(folder)


def test_bad_field_is_named_with_file_entry_and_field(tmp_path):
    folder = _copy_catalog(tmp_path)
    _edit_yaml(folder / "indicators.yaml", lambda data: data[2].update(attribute="重要性"))
    wrong = r"indicators\.yaml 第\d+行: “attribute” 的值 “重要性” 无效,应为 约束性、预期性 之一"
    wrong += r"\(条目 gdp_death_rate_decline\)"
    with pytest.raises(CatalogError, match=wrong):
        load_catalog(folder)


def test_bare_target_without_comparator_is_rejected(tmp_path):
    folder = _copy_catalog(tmp_path)
    _edit_yaml(folder / "indicators.yaml", lambda data: data[7].pop("comparator"))
    bare = r"indicators\.yaml 第\d+行: 目标 '100' 没有比较符.*\(条目 major_risk_report_rate\)"
    with pytest.raises(CatalogError, match=bare):
        load_catalog(folder)


def test_table_referring_to_unknown_indicator_and_broken_yaml(tmp_path):
    folder = _copy_catalog(tmp_path)
    _edit_yaml(folder / "plans.yaml", lambda data: data[0]["indicator_table"]["indicators"].append("ghost"))
    with pytest.raises(CatalogError, match=r"plans\[safety\]\.indicator_table\.indicators: 未知指标 'ghost'"):
        load_catalog(folder)
    (folder / "units.yaml").write_text("departments: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"units\.yaml 第\d+行: YAML 格式错误"):
        load_catalog(folder)


def test_missing_folder_and_duplicate_alias(tmp_path):
    with pytest.raises(CatalogError, match="目录文件夹不存在"):
        load_catalog(tmp_path / "nowhere")
    folder = _copy_catalog(tmp_path)
    _edit_yaml(folder / "units.yaml", lambda data: data["departments"][0]["aliases"].append("公安局"))
    with pytest.raises(CatalogError, match="名称 '公安局' 同时属于"):
        load_catalog(folder)


def test_planeval_catalog_selects_another_folder(tmp_path, monkeypatch):
    folder = _copy_catalog(tmp_path)
    _edit_yaml(folder / "catalog.yaml", lambda data: data.update(city="另一市"))
    monkeypatch.setenv("PLANEVAL_CATALOG", str(folder))
    assert load_catalog(get_settings().catalog_dir).city == "另一市"


def test_parse_target_reads_the_plans_comparator_words():
    # 低于/超过 are strict, 不超过/不低于/达到 include the number (docs/assessment.md: strictness)
    assert parse_target("低于0.2").comparator == "<"
    assert parse_target("不超过10h").comparator == "≤" and parse_target("不超过10h").suffix == "h"
    assert parse_target("不低于95").comparator == "≥"
    assert parse_target("达到100%").comparator == "≥"
    assert parse_target("超过15").comparator == ">"
    assert not parse_target("低于0.2").is_met(0.2) and parse_target("不超过10h").is_met(10)
