"""The office's approval step, through Airflow: a real `airflow dags test` run of year_end_assessment parked
on its human-in-the-loop task, answered through Airflow's REST API by an `airflow api-server` on the same
metadata DB — the path a reviewer's click in the UI takes. Here the reviewer (the FAB user `office`, the
catalog's approver) sends the draft back."""

from __future__ import annotations

import json

import pytest
from helpers import filled_form
from sqlalchemy import create_engine, text

from planeval.settings import get_settings
from planeval.stages import collect, setup
from planeval.ui import airflow_runner

pytestmark = pytest.mark.e2e


def test_a_rejected_draft_gets_no_final_report_and_the_run_carries_the_comment(home, catalog, campaign, tmp_path):
    setup.init_units()
    source = filled_form(catalog, campaign, "emergency", tmp_path / "emergency")
    (home / "drop" / "emergency" / "inbox" / source.name).write_bytes(source.read_bytes())
    collect.run_collect()

    settings = get_settings()
    log_path = home / "logs" / "approval.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = airflow_runner.prepare(settings, log_path)
    conf = {"campaign": campaign.code, "year": campaign.year, "data_cutoff": campaign.data_cutoff.isoformat()}
    comment = "滞后指标分析不够具体,请补充渔业船舶事故原因。"
    state, answer = airflow_runner.run_dag_answering_approval(
        "year_end_assessment", env, log_path, conf, approve=False, comment=comment
    )
    assert state == "failed", log_path.read_text(encoding="utf-8")[-3000:]
    assert answer["chosen_options"] == ["退回"] and answer["responded_by"]["name"] == "office"

    folder = home / "reports" / campaign.code
    documents = sorted(p.name for p in folder.glob("*.docx"))
    assert f"{catalog.city}{campaign.name}报告(征求意见稿).docx" in documents
    # every draft stays; nothing final is written
    assert documents and all(name.endswith("(征求意见稿).docx") for name in documents), documents
    assert not list(folder.rglob("*定稿*"))

    metadata = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    with metadata.connect() as connection:
        query = text("SELECT task_id, state FROM task_instance WHERE dag_id = 'year_end_assessment'")
        states = {task_id: state for task_id, state in connection.execute(query)}
        params_input = connection.execute(text("SELECT params_input FROM hitl_detail")).scalar_one()
    metadata.dispose()
    assert states["office_approval"] == "success"  # an answer was given: the human step itself succeeded
    assert states["write_final_report"] == "failed"
    assert json.loads(params_input) == {"意见": comment}
    # `airflow dags test` writes the task logs to the run's output (under a scheduler: the task's log)
    run_output = log_path.read_text(encoding="utf-8")
    assert (
        "ReportRejected: 评估报告被office退回,意见:滞后指标分析不够具体,请补充渔业船舶事故原因。征求意见稿保留"
        in run_output
    )


def test_a_task_failing_before_the_approval_ends_the_wait_at_once_with_its_own_error(home, campaign):
    """No approval can come once render_draft has failed: the runner stops waiting at once and says which
    task failed and why (here the reports folder is a plain file), instead of polling for 900 s."""
    import time

    from planeval.ui.approval import RunFailed

    setup.init_units()
    collect.run_collect()
    (home / "reports").write_text("occupied: not a folder", encoding="utf-8")

    log_path = home / "logs" / "approval.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = airflow_runner.prepare(get_settings(), log_path)
    conf = {"campaign": campaign.code, "year": campaign.year, "data_cutoff": campaign.data_cutoff.isoformat()}
    started = time.monotonic()
    with pytest.raises(RunFailed) as failure:
        airflow_runner.run_dag_answering_approval(
            "year_end_assessment", env, log_path, conf, approve=True, comment="", timeout=900
        )
    elapsed = time.monotonic() - started
    assert elapsed < 450, elapsed  # the run's own length, never the approval's 900 s deadline

    assert failure.value.state == "failed" and failure.value.task_id == "render_draft"
    assert failure.value.message.startswith("NotADirectoryError: [Errno 20] Not a directory"), failure.value.message
    assert str(home / "reports") in failure.value.message
    assert str(failure.value).startswith("任务 render_draft 失败:NotADirectoryError")
