"""End to end through Airflow: `planeval demo` (what `make demo` runs) on SQLite, and on PostgreSQL.

Nothing is mocked: real drop folders, real `airflow dags test` runs of both DAGs, GX, the warehouse and the
rendered Word report, read back with python-docx and checked against the demo figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import create_pg_database, drop_pg_database, require_postgres
from docx import Document
from render_check import ascii_marks
from sqlalchemy import create_engine, text

from planeval.settings import DEFAULT_CATALOG

pytestmark = pytest.mark.e2e

PLANEVAL = str(Path(sys.executable).with_name("planeval"))


def _run_demo(home: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "PLANEVAL_")) and key != "PYTEST_CURRENT_TEST"
    }
    env |= {"PLANEVAL_HOME": str(home), "PLANEVAL_CATALOG": str(DEFAULT_CATALOG), **extra_env}
    result = subprocess.run([PLANEVAL, "demo"], env=env, capture_output=True, text=True, timeout=900)
    log = home / "logs" / "demo-airflow.log"
    tail = log.read_text(encoding="utf-8")[-4000:] if log.exists() else ""
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\n{tail}"
    return result


def _check_demo(home: Path, warehouse_url: str, metadata_url: str, stdout: str) -> None:
    assert "collect_submissions 运行结果:success" in stdout
    assert "year_end_assessment 运行结果:success" in stdout

    # Accepted data emitted an Asset event, and the aggregation DAG is queued on it (data-aware scheduling).
    metadata = create_engine(metadata_url)
    with metadata.connect() as connection:
        extras = (
            connection.execute(
                text(
                    "SELECT e.extra FROM asset_event AS e JOIN asset AS a ON a.id = e.asset_id"
                    " WHERE a.name = 'planeval_accepted_submissions'"
                )
            )
            .scalars()
            .all()
        )
        queued = connection.execute(text("SELECT target_dag_id FROM asset_dag_run_queue")).scalars().all()
    metadata.dispose()
    (extra,) = [json.loads(e) if isinstance(e, str) else e for e in extras]
    assert extra["campaigns"] == ["haian_2025_summary"] and extra["accepted"] > 40
    assert queued == ["refresh_indicator_tables"]

    # Receipts: one per received file; the housing bureau's first upload rejected cell by cell.
    receipts = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(home.glob("drop/*/receipts/*.json"))]
    archived = [p for p in (home / "archive").rglob("*") if p.is_file()]
    assert len(receipts) == len(archived) > 40
    housing_receipts = sorted((home / "drop" / "housing" / "receipts").glob("*.json"))
    housing = [json.loads(p.read_text(encoding="utf-8")) for p in housing_receipts]
    assert sorted(r["status"] for r in housing) == ["accepted", "accepted", "accepted", "rejected"]  # + 附件7
    rejected = next(r for r in housing if r["status"] == "rejected")
    assert all(e["sheet"] and e["row"] and e["column"] and e["message"] for e in rejected["errors"])
    assert not list(home.glob("drop/*/inbox/*"))  # every file taken, none lost

    # Warehouse: both municipal tables complete, the computed ratings stored beside the self-ratings.
    engine = create_engine(warehouse_url)
    with engine.connect() as connection:
        per_plan = dict(
            connection.execute(text("SELECT plan_code, COUNT(*) FROM indicator_result GROUP BY plan_code")).all()
        )
        ratings = dict(
            connection.execute(
                text("SELECT indicator_code, computed_rating FROM indicator_result WHERE plan_code = 'safety'")
            ).all()
        )
        accident_2024 = connection.execute(
            text(
                "SELECT value FROM indicator_result_value"
                " WHERE indicator_code = 'accident_count_decline' AND year = 2024"
            )
        ).scalar_one()
        conflicts = connection.execute(
            text("SELECT COUNT(*) FROM indicator_result WHERE conflict IS NOT NULL")
        ).scalar()
    engine.dispose()
    assert per_plan == {"safety": 9, "emergency": 17}
    assert ratings["accident_count_decline"] == "提前实现"
    assert ratings["fishing_vessel_death_decline"] == "滞后预期"
    assert accident_2024 == pytest.approx(16.6)
    # road transport: 市公安局 18 vs 市交通运输局 17.5; 新增专职消防人员 2024: 80 typed, 82 in the raw figures
    assert conflicts == 2

    # The report: framework of 附件1, both annex tables, drafted sentences, department text kept literally.
    # The office approved through the REST API (as the demo's reviewer): the final, unmarked report exists.
    metadata = create_engine(metadata_url)
    with metadata.connect() as connection:
        answer = connection.execute(text("SELECT chosen_options, params_input, responded_by FROM hitl_detail")).one()
    metadata.dispose()
    chosen, comment, who = (json.loads(v) if isinstance(v, str) else v for v in answer)
    assert chosen == ["批准"] and comment == {"意见": "演示:自动批准"} and who["name"] == "office"
    assert "(审核:office 批准)" in stdout
    folder = home / "reports" / "haian_2025_summary"
    (draft,) = folder.glob("*报告(征求意见稿).docx")
    (report,) = folder.glob("*报告(定稿).docx")
    assert len(list(folder.glob("反馈函/*(征求意见稿).docx"))) == len(list(folder.glob("反馈函/*.docx"))) // 2 > 40
    assert "征求意见稿" in "\n".join(p.text for p in Document(str(draft)).paragraphs)
    document = Document(str(report))
    body = ascii_marks("\n".join(p.text for p in document.paragraphs))
    assert "征求意见稿" not in body
    assert "一、规划实施总体进展情况" in body and "三、规划目标任务完成情况预测及对策建议" in body
    assert "生产安全事故起数下降16.6%(目标下降超过15%)" in body
    assert "强化“安全&发展”双线考核,严防重大事故" in body and "{{" not in body  # the unit's text, cleaned
    assert "市民宗局" in body  # listed as not reported
    assert [len(t.rows) for t in document.tables] == [1 + 70, 1 + 9, 1 + 17]  # 附录三's tasks, 附件3, 附件4


def test_demo_through_airflow_on_sqlite(tmp_path):
    home = tmp_path / "home"
    result = _run_demo(home, {})
    _check_demo(
        home, f"sqlite:///{home / 'warehouse.db'}", f"sqlite:///{home / 'airflow' / 'airflow.db'}", result.stdout
    )


def test_demo_through_airflow_on_postgresql(tmp_path):
    """Production's database for both Airflow's metadata and the warehouse."""
    require_postgres()
    warehouse_url, metadata_url = create_pg_database("planeval_e2e_wh"), create_pg_database("planeval_e2e_af")
    home = tmp_path / "home"
    try:
        result = _run_demo(
            home, {"PLANEVAL_DB_URL": warehouse_url, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url}
        )
        _check_demo(home, warehouse_url, metadata_url, result.stdout)
        assert not (home / "warehouse.db").exists()
    finally:
        drop_pg_database(warehouse_url)
        drop_pg_database(metadata_url)
