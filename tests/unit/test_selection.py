"""One campaign selection per run: resolved from the catalog and the trigger form, handed through XCom as keys."""

from __future__ import annotations

import json

import pytest

from planeval.catalog import load_catalog
from planeval.records import CampaignSelection
from planeval.settings import DEFAULT_CATALOG, REPO_ROOT
from planeval.stages import context

WENLING = REPO_ROOT / "catalog" / "wenling"


@pytest.fixture
def haian(monkeypatch):
    monkeypatch.setenv("PLANEVAL_CATALOG", str(DEFAULT_CATALOG))
    return load_catalog(DEFAULT_CATALOG)


def test_defaults_come_from_the_catalog_not_from_the_form(haian):
    latest = max(haian.campaigns, key=lambda c: (c.year, c.data_cutoff))
    chosen = context.select()
    assert chosen.campaign == latest.code
    assert chosen.plans == tuple(latest.plans)
    assert chosen.data_cutoff == latest.data_cutoff.isoformat()
    assert chosen.year == latest.year
    assert chosen.timezone == "Asia/Shanghai"


def test_the_selection_travels_as_plain_keys_and_comes_back_equal(haian):
    chosen = context.select(plans=[haian.campaign().plans[-1]], data_cutoff="2025-06-30")
    carried = json.loads(json.dumps(chosen.as_xcom()))  # what XCom stores
    assert CampaignSelection.from_xcom(carried) == chosen


def test_opening_a_selection_applies_its_plans_and_cut_off(haian):
    campaign = haian.campaign()
    narrowed = context.select(campaign.code, plans=[campaign.plans[-1]], data_cutoff="2025-06-30")
    _, _, opened = context.open_selection(narrowed.as_xcom())
    assert opened.plans == (campaign.plans[-1],)
    assert opened.data_cutoff.isoformat() == "2025-06-30"
    _, _, whole = context.open_selection(context.select(campaign.code))
    assert whole == campaign


def test_unknown_plans_and_campaigns_are_refused(haian):
    with pytest.raises(ValueError, match="不包含规划"):
        context.select(plans=["no_such_plan"])
    with pytest.raises(KeyError):
        context.select("no_such_campaign")


def test_another_city_keeps_its_own_cut_off(monkeypatch):
    monkeypatch.setenv("PLANEVAL_CATALOG", str(WENLING))
    wenling = load_catalog(WENLING)
    for campaign in wenling.campaigns:
        assert context.select(campaign.code).data_cutoff == campaign.data_cutoff.isoformat()
