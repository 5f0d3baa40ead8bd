"""Loads are idempotent and databases agree: re-running the aggregation or the whole year end leaves the
marts identical (dumps compared), and SQLite and PostgreSQL hold the same figures from the same files."""

from __future__ import annotations

import re
import shutil

from conftest import create_pg_database, drop_pg_database, require_postgres
from helpers import filled_form
from sqlalchemy import create_engine, inspect, text

from planeval.stages import collect, context, setup, year_end

MARTS = ("measure_value", "indicator_result", "indicator_result_value", "project_result", "mart_indicator_cell")
UNITS = ("emergency", "fire_rescue", "public_security", "transport", "agriculture", "meteorology")


# Lineage names submissions, whose ids carry the time a file was received: equal across runs of the same
# warehouse, different between two warehouses fed separately. Those columns are compared without the id.
SUBMISSION_IDS = {"source_submissions", "source_submission"}


def dump(url: str, tables=MARTS, *, without_submission_ids: bool = False) -> dict[str, list[tuple]]:
    """Every row of the tables, as sorted tuples of text (floats rounded to 9 places); lineage keeps its
    sheet!cell references with or without the submission ids before them."""
    engine = create_engine(url)
    result = {}
    with engine.connect() as connection:
        for table in tables:
            columns = [c["name"] for c in inspect(connection).get_columns(table)]
            if without_submission_ids:
                columns = [c for c in columns if c not in SUBMISSION_IDS]
            rows = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all()
            result[table] = sorted(tuple(_text(v, without_submission_ids) for v in row) for row in rows)
    engine.dispose()
    return result


def _text(value, without_submission_ids: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.9f}"
    if without_submission_ids:
        return SUBMISSION_PREFIX.sub("", str(value))
    return str(value)


SUBMISSION_PREFIX = re.compile(r"[^;:,]+:(?=[^;:]*!)")  # "<submission id>:" before a sheet!A1 reference


def _collect(home, catalog, campaign, tmp_path) -> None:
    setup.init_units()
    for unit in UNITS:
        source = filled_form(catalog, campaign, unit, tmp_path / unit)
        shutil.copyfile(source, home / "drop" / unit / "inbox" / source.name)
    collect.run_collect()


def test_rerunning_the_load_and_the_year_end_gives_identical_tables(db_url, home, catalog, campaign, tmp_path):
    _collect(home, catalog, campaign, tmp_path)
    year_end.refresh_results()
    first = dump(db_url)
    assert len(first["indicator_result"]) == 26 and first["indicator_result_value"]
    assert first["measure_value"] and first["mart_indicator_cell"]
    year_end.refresh_results()
    assert dump(db_url) == first
    year_end.run_year_end(context.select(year=2025))
    year_end.run_year_end(context.select(year=2025))
    assert dump(db_url) == first
    collect.run_collect()  # an empty pass changes nothing
    year_end.refresh_results()
    assert dump(db_url) == first


def test_sqlite_and_postgresql_hold_the_same_figures(home, catalog, campaign, tmp_path, monkeypatch):
    require_postgres()
    sources = {}
    for unit in UNITS:
        sources[unit] = filled_form(catalog, campaign, unit, tmp_path / unit)
    dumps = []
    pg_url = create_pg_database()
    try:
        for name, url in (("sqlite", f"sqlite:///{tmp_path / 'both.db'}"), ("postgresql", pg_url)):
            run_home = tmp_path / name
            monkeypatch.setenv("PLANEVAL_HOME", str(run_home))
            monkeypatch.setenv("PLANEVAL_DB_URL", url)
            setup.init_units()
            for unit, source in sources.items():
                shutil.copyfile(source, run_home / "drop" / unit / "inbox" / source.name)
            collect.run_collect()
            year_end.refresh_results()
            dumps.append(dump(url, without_submission_ids=True))
    finally:
        drop_pg_database(pg_url)
    assert dumps[0] == dumps[1]


def _year_end_in_a_process(queue) -> None:
    try:
        paths = year_end.run_year_end(context.select(year=2025))
        queue.put(("ok", len(paths)))
    except BaseException as exc:  # reported to the parent, which fails the test with it
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def test_two_year_end_runs_at_once_both_finish_with_the_same_tables(home, catalog, campaign, tmp_path):
    """Two offices' clicks (or a retry beside a slow first attempt): two processes render the same campaign at
    once. Every file is written through its own temporary name and replaced in one step, so neither crashes on
    the other's half-written file and the tables are those of one run. (SQLite: its writers queue on the
    database lock. Through Airflow the warehouse pool serialises the aggregation on any database.)"""
    import multiprocessing

    db_url = f"sqlite:///{home / 'warehouse.db'}"
    _collect(home, catalog, campaign, tmp_path)
    year_end.refresh_results()
    first = dump(db_url)
    spawn = multiprocessing.get_context("fork")
    queue = spawn.Queue()
    runs = [spawn.Process(target=_year_end_in_a_process, args=(queue,)) for _ in range(2)]
    for run in runs:
        run.start()
    results = [queue.get(timeout=600) for _ in runs]
    for run in runs:
        run.join(timeout=60)
    assert [status for status, _ in results] == ["ok", "ok"], results
    assert results[0][1] == results[1][1] > 0
    assert dump(db_url) == first
    folder = home / "reports" / campaign.code
    assert not [p for p in folder.rglob("*.tmp")], "a temporary file was left behind"
