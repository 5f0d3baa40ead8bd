"""Backtests: the demo's warehouse and documents, text for text, against the files in expected/<catalog>/.

Each case runs the whole demo without Airflow (init → drop → collect → year end) in a temporary home and
compares its normalised outputs (see outputs.py) file by file. The same expected files serve SQLite and
PostgreSQL: after normalisation the two warehouses must agree. When a change is intended, regenerate them
with ``make backtests-refresh`` and review the diff.
"""

from __future__ import annotations

import pytest
from conftest import create_pg_database, drop_pg_database, require_postgres

from .outputs import EXPECTED_DIR, compare, generate, report

pytestmark = pytest.mark.backtest

# Every catalog on SQLite, the default one again on PostgreSQL (a run takes most of a minute).
CASES = [("haian", "sqlite"), ("longcheng", "sqlite"), ("haian", "postgresql")]


@pytest.mark.parametrize(("catalog", "database"), CASES, ids=[f"{c}-{d}" for c, d in CASES])
def test_demo_outputs_match_the_expected_files(catalog, database, tmp_path):
    url = None
    if database == "postgresql":
        require_postgres()
        url = create_pg_database("planeval_backtest")
    try:
        actual = generate(catalog, tmp_path / "actual", db_url=url, scratch=tmp_path)
    finally:
        if url:
            drop_pg_database(url)
    assert (EXPECTED_DIR / catalog).is_dir(), f"no expected files for {catalog}: run make backtests-refresh"
    problems = compare(EXPECTED_DIR / catalog, actual)
    assert not problems, report(problems)
