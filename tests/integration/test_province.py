"""The scale path in CI: a province catalog generated from 海安's (two counties here, a hundred in
bench/province.py), a collection pass over files of both counties in several batches, every file accepted
and receipted."""

from __future__ import annotations

import json

from planeval.catalog import load_catalog
from planeval.settings import DEFAULT_CATALOG, get_settings
from planeval.stages import collect
from planeval.ui.province import drop_province_submissions, write_province_catalog


def test_province_catalog_gives_every_county_the_city_departments_and_duties(tmp_path):
    city = load_catalog(DEFAULT_CATALOG)
    province = load_catalog(write_province_catalog(DEFAULT_CATALOG, tmp_path / "province", counties=2))
    departments = [unit for unit in city.units if unit.kind == "department"]
    assert len(province.units) == 2 * len(departments)
    emergency = province.unit("c002_emergency")
    assert emergency.name == "第2县应急管理局"
    for indicator in city.indicators:
        spread = province.indicator(indicator.code).responsible
        assert spread == tuple(f"c{c:03d}_{code}" for c in (1, 2) for code in indicator.responsible)


def test_a_province_pass_in_batches_accepts_and_receipts_every_file(home, db_url, monkeypatch, tmp_path):
    folder = write_province_catalog(DEFAULT_CATALOG, tmp_path / "province", counties=2)
    monkeypatch.setenv("PLANEVAL_CATALOG", str(folder))
    monkeypatch.setenv("PLANEVAL_BATCH_FILES", "8")
    catalog = load_catalog(folder)
    dropped = drop_province_submissions(get_settings(), catalog, catalog.campaign(year=2025), 24, per_county=12)
    assert len(dropped) == 24
    assert {path.parent.parent.name[:5] for path in dropped} == {"c001_", "c002_"}

    batches = collect.discover_batches()
    assert len(batches) >= 3 and all(len(batch["files"]) <= 8 for batch in batches[:-1])
    assert sorted(code for batch in batches for code in batch["units"]) == sorted(u.code for u in catalog.units)

    summary = collect.run_collect()
    assert sorted(row["file"] for row in summary) == sorted(path.name for path in dropped)
    assert {row["status"] for row in summary} == {"accepted"}, [r for r in summary if r["status"] != "accepted"]
    for path in dropped:
        unit = path.parent.parent.name
        receipt = json.loads((home / "drop" / unit / "receipts" / f"{path.name}.json").read_text(encoding="utf-8"))
        assert receipt["status"] == "accepted"
        assert not path.exists()  # released from the inbox once row and receipt were committed
