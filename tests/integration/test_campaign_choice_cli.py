"""With two campaigns open, ``planeval run collect`` refuses to guess (non-zero, before any work) and files the
units' forms under the campaign named with ``--campaign``; a pass that rejects every file does not end with 0."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import filled_form

from planeval.catalog import load_catalog
from planeval.dates import today_in
from planeval.settings import REPO_ROOT
from planeval.ui import cli

SUMMARY, MIDTERM = "haian_2025_summary", "haian_2025_midterm"


@pytest.fixture
def two_open(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """海安's catalog with its 总结评估 and a 中期评估 both open today, as PLANEVAL_CATALOG."""
    folder = tmp_path / "haian"
    shutil.copytree(REPO_ROOT / "catalog" / "haian", folder)
    path = folder / "campaigns.yaml"
    summary = yaml.safe_load(path.read_text(encoding="utf-8"))[0]
    today = today_in("Asia/Shanghai")
    summary["opens"] = today - dt.timedelta(days=10)
    summary["deadlines"] = [dict(d, due=today + dt.timedelta(days=5)) for d in summary["deadlines"]]
    midterm = dict(summary, code=MIDTERM, kind="midterm", name="“十四五”规划中期评估")
    midterm["data_cutoff"] = dt.date(2022, 12, 31)
    path.write_text(yaml.safe_dump([summary, midterm], allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("PLANEVAL_CATALOG", str(folder))
    return folder


def test_two_open_campaigns_stop_collect_before_any_work(two_open, home, capsys):
    catalog = load_catalog(two_open)
    inbox = home / "drop" / "emergency" / "inbox"
    inbox.mkdir(parents=True)
    form = filled_form(catalog, catalog.campaign(SUMMARY), "emergency", inbox.parent / "forms")
    shutil.copyfile(form, inbox / "应急局报表.xlsx")
    assert cli.main(["run", "collect"]) == 2
    err = capsys.readouterr().err
    assert "有 2 个评估任务正在进行,不替您猜选哪一个" in err
    assert f"{SUMMARY}(2025年,总结评估:" in err and f"{MIDTERM}(2025年,中期评估:" in err
    assert "--campaign 代码" in err
    assert [p.name for p in inbox.iterdir()] == ["应急局报表.xlsx"]  # not taken
    assert not (home / "archive").exists() and not (home / "warehouse.db").exists()


@pytest.mark.parametrize(
    "command",
    [["init"], ["contacts"], ["monitor"], ["run", "year-end"], ["demo", "--without-airflow"]],
    ids=" ".join,
)
def test_every_command_refuses_to_guess_before_any_work(two_open, home, capsys, command):
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert "有 2 个评估任务正在进行,不替您猜选哪一个" in err and "--campaign 代码" in err
    assert not (home / "warehouse.db").exists() and not (home / "drop").exists()


def test_the_campaign_named_is_used(two_open, home, capsys):
    catalog = load_catalog(two_open)
    assert cli.main(["init", "--campaign", SUMMARY]) == 0
    form = filled_form(catalog, catalog.campaign(SUMMARY), "emergency", home / "forms-filled")
    shutil.copyfile(form, home / "drop" / "emergency" / "inbox" / "应急局报表.xlsx")
    assert cli.main(["run", "collect", "--campaign", SUMMARY]) == 0
    assert "本次收取 1 份文件:受理 1 份" in capsys.readouterr().out


def test_a_pass_rejecting_every_file_under_the_campaign_named_says_so(two_open, home, capsys):
    catalog = load_catalog(two_open)
    assert cli.main(["init", "--campaign", MIDTERM]) == 0
    form = filled_form(catalog, catalog.campaign(MIDTERM), "emergency", home / "forms-filled")
    shutil.copyfile(form, home / "drop" / "emergency" / "inbox" / "应急局报表.xlsx")
    # the 中期评估's form (data to 2022) checked against the 总结评估 (data to 2024): its year columns are missing
    assert cli.main(["run", "collect", "--campaign", SUMMARY]) == 0  # the pass did its work: it rejected
    captured = capsys.readouterr()
    assert "退回 1 份" in captured.out
    assert f"本次收取的 1 份文件全部被退回(按评估任务 {SUMMARY} 校验)" in captured.err
    assert f"请用 --campaign 代码 重新指定(其他评估任务:{MIDTERM}(" in captured.err
