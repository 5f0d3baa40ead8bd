"""Campaigns chosen explicitly: one resolver (``Catalog.campaign``) that never guesses, the trigger forms'
default by the same rule, and ``planeval catalog check`` (no database, no Airflow, no file written)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from planeval.catalog import CampaignChoiceError, load_catalog
from planeval.settings import REPO_ROOT
from planeval.ui import cli

WENLING = REPO_ROOT / "catalog" / "wenling"
HALF, ANNUAL = "wenling_2023_half_year", "wenling_2023_annual"
# wenling's windows: half-year 2023-04-28 – 2023-07-15, annual 2023-06-16 – 2024-01-14
ONLY_HALF, BOTH, ONLY_ANNUAL = dt.date(2023, 5, 10), dt.date(2023, 6, 20), dt.date(2023, 9, 1)
NONE = dt.date(2025, 3, 1)


@pytest.fixture(scope="module")
def wenling():
    return load_catalog(WENLING)


def test_the_one_open_campaign_is_used(wenling):
    assert wenling.campaign(day=ONLY_HALF).code == HALF
    assert wenling.campaign(day=ONLY_ANNUAL).code == ANNUAL


def test_two_open_campaigns_are_not_guessed_between(wenling):
    with pytest.raises(CampaignChoiceError) as refused:
        wenling.campaign(day=BOTH)
    message = str(refused.value)
    assert message.startswith("2023-06-20 有 2 个评估任务正在进行,不替您猜选哪一个:")
    assert f"{HALF}(2023年,半年度报送:" in message and f"{ANNUAL}(2023年,年度报送:" in message
    assert "报送期 2023-04-28 至 2023-07-15" in message
    assert "--campaign 代码" in message and "触发表单“评估任务”" in message


def test_none_open_and_several_is_refused_one_campaign_is_used(wenling, catalog):
    refusal = r"2025-03-01 没有正在进行的评估任务,而目录中有 2 个,不替您猜选哪一个"
    with pytest.raises(CampaignChoiceError, match=refusal):
        wenling.campaign(day=NONE)
    assert catalog.campaign(day=NONE).code == "haian_2025_summary"  # 海安 has one campaign: nothing to guess


def test_a_named_campaign_is_taken_whatever_the_day_and_an_unknown_one_is_listed(wenling):
    assert wenling.campaign(HALF, day=NONE).code == HALF
    with pytest.raises(CampaignChoiceError, match=rf"目录中没有代码为 nope 的评估任务;可选:{HALF}\(") as refused:
        wenling.campaign("nope")
    assert isinstance(refused.value, KeyError)  # every caller's KeyError handling still catches it
    with pytest.raises(CampaignChoiceError, match="目录中没有代码为 wenling_2023_annual、年度为 2024 的评估任务"):
        wenling.campaign(ANNUAL, year=2024)


def test_the_monitor_watches_the_open_campaign_or_none_but_never_guesses(wenling):
    assert wenling.open_campaign(ONLY_HALF).code == HALF
    assert wenling.open_campaign(NONE) is None
    with pytest.raises(CampaignChoiceError, match="有 2 个评估任务正在进行"):
        wenling.open_campaign(BOTH)


def test_the_trigger_form_defaults_to_the_single_open_campaign_only():
    from planeval.stages.trigger_form import campaign_param, read_choices

    choices = read_choices(WENLING)
    assert choices.default_campaign(ONLY_HALF) == HALF
    assert choices.default_campaign(BOTH) is None
    assert choices.default_campaign(NONE) is None
    assert read_choices(REPO_ROOT / "catalog" / "haian").default_campaign(NONE) == "haian_2025_summary"
    param = campaign_param(choices, "说明")  # today (2026 on): none open, two exist
    if choices.default_campaign() is None:
        assert param.value is None and param.schema["enum"] == [None, HALF, ANNUAL]
        param.resolve(None)  # the form triggers untouched; the run then refuses and lists them
        param.resolve(HALF)


def copy_haian(tmp_path: Path) -> Path:
    folder = tmp_path / "haian"
    shutil.copytree(REPO_ROOT / "catalog" / "haian", folder)
    return folder


def test_catalog_check_prints_a_summary_and_exits_0(tmp_path, monkeypatch, capsys):
    folder = copy_haian(tmp_path)
    monkeypatch.setenv("PLANEVAL_HOME", str(tmp_path / "home"))
    assert cli.main(["catalog", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"目录 {folder} 检查通过(目录格式版本 1)" in out
    assert "地区:海安市(海安市安全生产委员会办公室,简称市安委办;时区 Asia/Shanghai)" in out
    assert "规划 2 个:safety 安全生产规划(2021–2025年,指标 9 项,主要任务 36 项)" in out
    assert "指标 22 项:average 4 项、cumulative 1 项、decline 7 项、level 10 项" in out
    assert "报送单位 47 个:市级部门 30 个、区镇街道 17 个" in out
    assert "评估任务 1 个:haian_2025_summary(2025年,总结评估:" in out
    assert "未指定评估任务时使用:haian_2025_summary" in out
    assert not (tmp_path / "home").exists()  # nothing written: no home, no warehouse
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (REPO_ROOT / "catalog/haian").iterdir())


def test_catalog_check_lists_every_error_and_exits_non_zero(tmp_path, capsys):
    folder = copy_haian(tmp_path)
    path = folder / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    line = text[: re.search(r"^  responsible:", text, flags=re.MULTILINE).start()].count("\n") + 1
    path.write_text(re.sub(r"^  responsible:", "  respnsible:", text, count=1, flags=re.MULTILINE), encoding="utf-8")
    manifest = folder / "catalog.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("city:", "cty:"), encoding="utf-8")
    assert cli.main(["catalog", "check", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "目录检查未通过" in captured.err and "有 2 处错误" in captured.err
    assert f"indicators.yaml 第{line}行: 未知键 “respnsible”,是否应为 “responsible”?" in captured.err
    assert "catalog.yaml 第" in captured.err and "未知键 “cty”,是否应为 “city”?" in captured.err


def test_catalog_check_of_a_folder_that_is_not_a_catalog(tmp_path, capsys):
    assert cli.main(["catalog", "check", str(tmp_path)]) == 1
    assert "catalog.yaml: 目录文件不存在" in capsys.readouterr().err
