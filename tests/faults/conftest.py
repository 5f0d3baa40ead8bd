"""The fault tier (marker ``faults``): collection passes killed at every checkpoint, run side by side, without
their database, and fed hostile inboxes — the intake invariant checked after each (tests/faults/harness.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import filled_form
from openpyxl import load_workbook

from planeval.intake.unit_forms import form_filename
from planeval.ui.demo import fill_contacts

from .harness import Entry

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(HERE):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def forms(catalog, campaign, tmp_path_factory) -> dict[str, Path]:
    """Valid submissions made once: emergency's indicator table, and contacts forms for three units."""
    folder = tmp_path_factory.mktemp("forms")
    made = {"emergency_table": filled_form(catalog, campaign, "emergency", folder)}
    for code in ("emergency", "water", "town_03"):
        unit = catalog.unit(code)
        made[f"{code}_contacts"] = fill_contacts(
            catalog, campaign, unit, folder / code / form_filename(catalog, campaign, unit, "contacts")
        )
    return made


@pytest.fixture(scope="session")
def contact_variants(forms, tmp_path_factory) -> list[Path]:
    """Thirty contacts forms with distinct bytes (a phone number differs), for the concurrency runs."""
    folder = tmp_path_factory.mktemp("variants")
    made = []
    for index in range(30):
        unit = ("emergency", "water", "town_03")[index % 3]
        workbook = load_workbook(forms[f"{unit}_contacts"])
        workbook.active["E3"] = f"第{index}份"  # 备注
        target = folder / unit / f"联系人_{index:02d}.xlsx"
        target.parent.mkdir(exist_ok=True)
        workbook.save(target)
        made.append(target)
    return made


UNITS = ("emergency", "water", "town_03", "finance")


@pytest.fixture
def units_ready(home):
    """Inboxes for the units these tests drop into (``planeval init`` writes every unit's forms: slower)."""
    for unit in UNITS:
        (home / "drop" / unit / "inbox").mkdir(parents=True)
    return home


def place(home: Path, unit: str, source: Path, name: str) -> Entry:
    target = home / "drop" / unit / "inbox" / name
    shutil.copyfile(source, target)
    return Entry(unit, name.encode(), content=target.read_bytes())


def mixed_batch(home: Path, forms: dict[str, Path]) -> list[Entry]:
    """Five files for three units: valid forms and a bad one."""
    bad = home / "bad.xlsx"
    bad.write_bytes(b"not a workbook at all\x00\x01" * 40)
    return [
        place(home, "emergency", forms["emergency_table"], "应急局指标表.xlsx"),
        place(home, "emergency", forms["emergency_contacts"], "应急局联系人.xlsx"),
        place(home, "water", forms["water_contacts"], "水务局联系人.xlsx"),
        place(home, "town_03", forms["town_03_contacts"], "镇街联系人.xlsx"),
        place(home, "town_03", bad, "损坏的表.xlsx"),
    ]


@pytest.fixture(scope="session")
def warm_gx():
    """Build one GX context in this process so forked passes start warm (the first one takes seconds)."""
    from planeval.validation.suites import GxRunner

    GxRunner()


@pytest.fixture
def pg_url(home, monkeypatch):
    """A fresh PostgreSQL warehouse for the test (PLANEVAL_DB_URL)."""
    from conftest import create_pg_database, drop_pg_database, require_postgres

    require_postgres()
    url = create_pg_database("planeval_faults")
    monkeypatch.setenv("PLANEVAL_DB_URL", url)
    try:
        yield url
    finally:
        drop_pg_database(url)
