"""Collection passes started at the same moment over the same inboxes (an Airflow run and a manual
``planeval run collect``, or two schedulers): every file is taken exactly once — one row, one archive copy,
one receipt — and a pass after them finds nothing left to do."""

from __future__ import annotations

import pytest

from .conftest import place
from .harness import check_invariant, db_rows, forked_pass, start_cli_pass, start_forked_pass

pytestmark = pytest.mark.usefixtures("warm_gx")


def _drop_all(home, contact_variants, forms):
    entries = [place(home, path.parent.name, path, path.name) for path in contact_variants]
    entries.append(place(home, "emergency", forms["emergency_table"], "应急局指标表.xlsx"))
    return entries


def _units_of(entries):
    return {e.unit for e in entries}


def _check(home, db_url, entries):
    assert check_invariant(home, db_url, entries, complete=True) == []
    rows = db_rows(
        db_url,
        "SELECT unit_code, original_name, count(*) AS n FROM submission "
        "GROUP BY unit_code, original_name HAVING count(*) > 1",
    )
    assert rows == [], f"files recorded more than once: {rows}"
    assert len(db_rows(db_url, "SELECT 1 FROM submission")) == len(entries)


def test_three_passes_at_once_sqlite(units_ready, contact_variants, forms, monkeypatch):
    db_url = f"sqlite:///{units_ready / 'warehouse.db'}"
    monkeypatch.setenv("PLANEVAL_DB_URL", db_url)
    entries = _drop_all(units_ready, contact_variants, forms)
    assert _units_of(entries) == {"emergency", "water", "town_03"}
    passes = [start_forked_pass() for _ in range(3)]
    for process in passes:
        process.join(240)
    assert [p.exitcode for p in passes] == [0, 0, 0]
    assert check_invariant(units_ready, db_url, entries, complete=False) == []
    assert forked_pass() == 0
    _check(units_ready, db_url, entries)


def test_three_passes_at_once_postgresql(pg_url, units_ready, contact_variants, forms):
    entries = _drop_all(units_ready, contact_variants, forms)
    passes = [start_cli_pass() for _ in range(2)]  # two CLI processes and a fork of this one, at once
    fork = start_forked_pass()
    results = [(p.wait(timeout=300), p.stderr.read().decode()[-3000:]) for p in passes]
    fork.join(300)
    for process in passes:
        process.stdout.close()
        process.stderr.close()
    assert [code for code, _ in results] + [fork.exitcode] == [0, 0, 0], "\n".join(err for _, err in results)
    assert check_invariant(units_ready, pg_url, entries, complete=False) == []
    assert forked_pass() == 0
    _check(units_ready, pg_url, entries)
