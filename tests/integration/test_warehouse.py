"""The warehouse schema under Alembic: fresh databases, re-runs and several workers at once."""

from __future__ import annotations

import multiprocessing
import threading

from sqlalchemy import inspect, text

from planeval.warehouse import migrate
from planeval.warehouse.db import make_engine, schema_revision
from planeval.warehouse.migrate import ensure_schema

HEAD = "0005_value_explanations"


def _fresh(engine) -> None:
    migrate._MIGRATED.discard(engine.url.render_as_string(hide_password=False))


def test_a_fresh_database_is_migrated_to_head_and_reruns_are_harmless(db_url):
    engine = make_engine(db_url)
    for _ in range(2):
        _fresh(engine)
        ensure_schema(engine)
    assert schema_revision(engine) == HEAD
    tables = set(inspect(engine).get_table_names())
    assert {"submission", "submission_value", "indicator_result", "obligation", "completeness"} <= tables
    assert "alembic_version" not in tables  # Airflow's own table name stays free
    engine.dispose()


def _migrate_in_a_new_process(db_url: str) -> str:
    engine = make_engine(db_url)
    ensure_schema(engine)
    revision = schema_revision(engine)
    engine.dispose()
    return revision


def test_workers_starting_together_migrate_once(db_url):
    """Celery workers are processes: four start on an empty database at the same moment."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        revisions = pool.map(_migrate_in_a_new_process, [db_url] * 4)
    assert revisions == [HEAD] * 4


def test_threads_of_one_process_share_one_migration(db_url):
    engine = make_engine(db_url)
    _fresh(engine)
    threads = [threading.Thread(target=ensure_schema, args=(engine,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert schema_revision(engine) == HEAD
    engine.dispose()


def test_an_existing_warehouse_is_upgraded_in_place(db_url):
    """A warehouse left at the first revision keeps its rows and gains the raw-figure and lineage tables."""
    from alembic import command

    engine = make_engine(db_url)
    config = migrate.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_warehouse")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO indicator_result_value (campaign_code, indicator_code, year, is_forecast, value,"
                " source_cell) VALUES ('c', 'i', 2024, 0, 1.5, 's:附件3!E5')"
            )
        )
    _fresh(engine)
    ensure_schema(engine)
    assert schema_revision(engine) == HEAD
    with engine.connect() as connection:
        origin = connection.execute(text("SELECT origin FROM indicator_result_value")).scalar_one()
    assert origin == "reported"
    assert {"submission_figure", "measure_value", "mart_indicator_cell"} <= set(inspect(engine).get_table_names())
    engine.dispose()
