"""DAG integrity: the files import cleanly, are cheap to parse, and wire what the issue asks for."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from planeval.settings import REPO_ROOT

PROBE = r"""
import json, sys
from airflow.dag_processing.dagbag import DagBag
before = set(sys.modules)
bag = DagBag(dag_folder=sys.argv[1])
loaded = set(sys.modules) - before
light = {"planeval", "planeval.settings", "planeval.stages", "planeval.stages.assets", "planeval.stages.approval",
         "planeval.stages.trigger_form", "planeval.dates"}
heavy = sorted(m for m in loaded if m.split(".")[0] in {"great_expectations", "pandas", "docx", "docxtpl",
                                                         "openpyxl", "planeval", "sqlalchemy"} and m not in light)
BAD = {"campaign": "no_such_campaign", "as_of": "2025-13-45", "data_cutoff": "昨天", "year": 1800, "plans": ["x"]}


def _refused(param, value):
    try:
        param.resolve(value)
    except Exception:
        return True
    return False


dags = {}
for dag_id, dag in bag.dags.items():
    dags[dag_id] = {
        "tasks": sorted(dag.task_ids),
        "schedule": str(dag.schedule),
        "params": {k: dag.params.get_param(k).schema.get("title") for k in dag.params},
        "schemas": {k: dag.params.get_param(k).schema for k in dag.params},
        "defaults": {k: dag.params.get_param(k).value for k in dag.params},
        "display_name": dag.dag_display_name,
        "task_names": {t.task_id: t.task_display_name for t in dag.tasks},
        "defaults_valid": sorted(dag.params.validate()) == sorted(dag.params),
        "refused": sorted(k for k, v in BAD.items() if k in dag.params and _refused(dag.params.get_param(k), v)),
        "pools": sorted({t.pool for t in dag.tasks}),
        "doc": bool(dag.doc_md),
        "outlets": sorted(a.name for t in dag.tasks for a in t.outlets),
        "not_retried": sorted(t.task_id for t in dag.tasks if not t.retries),
        "no_backoff": sorted(
            t.task_id for t in dag.tasks if t.retries and not (t.retry_exponential_backoff and t.max_retry_delay)
        ),
    }
print(json.dumps({"errors": {k: str(v) for k, v in bag.import_errors.items()}, "heavy": heavy, "dags": dags}))
"""


def _probe(tmp_path) -> dict:
    env = dict(
        os.environ,
        AIRFLOW_HOME=str(tmp_path / "airflow"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_FOLDER=str(REPO_ROOT / "dags"),
        GX_ANALYTICS_ENABLED="false",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{tmp_path / 'airflow.db'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO_ROOT / "dags")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_dags_import_without_errors_and_without_heavy_imports(tmp_path):
    probe = _probe(tmp_path)
    assert probe["errors"] == {}
    assert probe["heavy"] == []  # GX, pandas, docx and the package are imported inside tasks only
    dags = probe["dags"]
    assert set(dags) == {
        "collect_submissions",
        "year_end_assessment",
        "monitor_submissions",
        "refresh_indicator_tables",
    }
    assert dags["collect_submissions"]["tasks"] == [
        "announce_accepted",
        "check_files",
        "collect_batch",
        "discover_files",
        "select_campaign",
    ]
    assert dags["collect_submissions"]["params"] == {"campaign": "评估任务"}
    assert dags["collect_submissions"]["outlets"] == ["planeval_accepted_submissions"]
    assert dags["refresh_indicator_tables"]["schedule"].startswith("[Asset(name='planeval_accepted_submissions'")
    assert dags["refresh_indicator_tables"]["params"] == {"campaign": "评估任务"}  # a run by hand names its campaign
    assert dags["monitor_submissions"]["schedule"] == "@daily"
    assert dags["monitor_submissions"]["tasks"] == [
        "escalate_overdue",
        "record_statuses",
        "unit.on_time",
        "unit.received",
        "units_owing",
        "write_reminders",
        "write_summary",
    ]
    assert dags["monitor_submissions"]["params"] == {"campaign": "评估任务", "as_of": "检查日期"}
    assert dags["collect_submissions"]["schedule"] == "0:15:00"
    assert dags["year_end_assessment"]["schedule"] == "None"
    assert "planeval_warehouse" in dags["collect_submissions"]["pools"]
    year_end = dags["year_end_assessment"]
    assert year_end["params"] == {
        "campaign": "评估任务",
        "year": "评估年度",
        "plans": "规划",
        "data_cutoff": "年度数据截止日期",
        "reopen": "重新开放(需填写原因)",
    }  # no “final” switch: the final report needs the office's approval
    assert year_end["tasks"] == [
        "office_approval",
        "render_draft",  # resolves the campaign first (a bad form value fails before any work), aggregates, renders
        "write_final_report",
    ]
    assert all(d["doc"] for d in dags.values())
    # a database outage or lock is retried with back-off everywhere; the office's answer is never re-asked
    assert {dag_id: d["not_retried"] for dag_id, d in dags.items()} == {
        "collect_submissions": [],
        "monitor_submissions": [],
        "refresh_indicator_tables": [],
        "year_end_assessment": ["office_approval"],
    }
    assert all(d["no_backoff"] == [] for d in dags.values())  # retried with exponential back-off, capped


def test_plugins_folder_hides_the_package_from_the_plugin_manager():
    ignore = (REPO_ROOT / "plugins" / ".airflowignore").read_text(encoding="utf-8")
    assert "planeval/" in ignore.splitlines()


def test_trigger_forms_work_with_their_defaults_and_refuse_bad_values(tmp_path):
    """Every form triggers with no field touched (the defaults validate); the campaign is a drop-down of the
    catalog's campaigns by Chinese name, defaulting to a real one; the date is a date picker defaulting to
    today in Beijing; bad values are refused by the form's own JSON schema before a run starts."""
    from planeval.dates import today_in

    dags = _probe(tmp_path)["dags"]
    assert all(d["defaults_valid"] for d in dags.values())
    for dag_id in ("collect_submissions", "monitor_submissions", "refresh_indicator_tables", "year_end_assessment"):
        campaign = dags[dag_id]["schemas"]["campaign"]
        assert campaign["enum"] == ["haian_2025_summary"]
        assert "“十四五”安全生产" in campaign["values_display"]["haian_2025_summary"]
        assert dags[dag_id]["defaults"]["campaign"] == "haian_2025_summary"
    as_of = dags["monitor_submissions"]["schemas"]["as_of"]
    assert as_of["format"] == "date" and "null" in as_of["type"]
    assert dags["monitor_submissions"]["defaults"]["as_of"] == today_in("Asia/Shanghai").isoformat()
    assert dags["year_end_assessment"]["schemas"]["plans"]["items"]["enum"] == ["safety", "emergency"]
    assert dags["year_end_assessment"]["defaults"]["data_cutoff"] is None
    assert dags["collect_submissions"]["refused"] == ["campaign"]
    assert dags["refresh_indicator_tables"]["refused"] == ["campaign"]
    assert dags["monitor_submissions"]["refused"] == ["as_of", "campaign"]
    assert dags["year_end_assessment"]["refused"] == ["campaign", "data_cutoff", "plans", "year"]


def test_dags_and_tasks_have_chinese_display_names(tmp_path):
    dags = _probe(tmp_path)["dags"]
    assert {dag_id: d["display_name"] for dag_id, d in dags.items()} == {
        "collect_submissions": "报送收取与校验",
        "monitor_submissions": "报送情况监测",
        "refresh_indicator_tables": "指标表刷新",
        "year_end_assessment": "年终评估",
    }
    for d in dags.values():
        for task_id, name in d["task_names"].items():
            assert name != task_id.rsplit(".", 1)[-1] and not name.isascii(), (task_id, name)
