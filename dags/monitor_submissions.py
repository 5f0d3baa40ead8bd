"""
### 报送监测 · monitor_submissions

Daily while a campaign is open (catalog `campaigns.yaml`: from `opens` to `follow_up_days` after the last
deadline): classify what every reporting unit owes (unit × form × due date) from what it has uploaded,
keep the completeness and timeliness figures in SQL, write the 报送情况统计 workbook and a 催报通知 for every
unit still missing, and alert the admins once a deadline has passed with units missing.

**Reading the grid** — the `unit` group has one row per unit, named by the unit:

| 单位状态 | `unit.received` | `unit.on_time` |
| --- | --- | --- |
| 按时报送 (done) | success | success |
| 逾期报送 (late) | success | failed |
| 仅有退回版本 (rejected only) | failed | upstream_failed |
| 未报送 (missing) | skipped | skipped |

Trigger by hand with 检查日期 to see the campaign as it stood on another day.
Logic lives in `planeval.stages.monitor` and `planeval.monitoring`; this file only wires tasks.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task, task_group

from planeval.settings import RETRIES, WAREHOUSE_POOL
from planeval.stages.trigger_form import campaign_param, date_param, read_choices

FORM = read_choices()  # the catalog's campaigns, read once per parse (two small YAML files)


def _notify_admins(context) -> None:
    from planeval.monitoring.alerts import notify_admins

    notify_admins(context)


@task_group(group_id="unit", tooltip="每个应报单位一行:是否已报送、是否按时")
def unit_status(unit: dict) -> None:
    @task(task_display_name="已报送", map_index_template="{{ unit_name }}")
    def received(unit: dict) -> str:
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        get_current_context()["unit_name"] = unit["unit_name"]  # names the grid row

        if unit["status"] == "missing":
            raise AirflowSkipException(f"{unit['unit_name']}:{unit['forms_text']}")
        if unit["status"] == "rejected_only":
            raise AirflowFailException(f"{unit['unit_name']}:{unit['forms_text']},待重新报送")
        return unit["label"]

    @task(task_display_name="按时报送", map_index_template="{{ unit_name }}")
    def on_time(unit: dict) -> str:
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowFailException

        get_current_context()["unit_name"] = unit["unit_name"]

        if unit["status"] == "late":
            raise AirflowFailException(f"{unit['unit_name']}:{unit['forms_text']}")
        return unit["label"]

    received(unit) >> on_time(unit)


@dag(
    dag_display_name="报送情况监测",
    schedule="@daily",
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    max_active_runs=1,
    tags=["planeval", "监测"],
    doc_md=__doc__,
    params={
        "campaign": campaign_param(
            FORM,
            "监测该评估任务的报送情况;默认为当日唯一正在进行的任务(没有则不监测)。"
            "每日按计划运行时取运行当日正在进行的任务;同时有多个时运行失败并列出可选任务,须手动选择",
        ),
        "as_of": date_param(
            "检查日期",
            f"按该日({FORM.timezone})统计谁已报送、逾期、仅有退回版本或未报送;默认为今天,留空亦为运行当日",
            FORM.today(),
        ),
    },
)
def monitor_submissions():
    @task(task_display_name="记录报送状态", pool=WAREHOUSE_POOL, show_return_value_in_logs=False)
    def record_statuses(params: dict | None = None, dag_run=None) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from planeval.stages import monitor
        from planeval.stages.trigger_form import from_form

        campaign, as_of = (from_form(params, key, dag_run.run_type) for key in ("campaign", "as_of"))
        try:
            return monitor.monitor_campaign(campaign, as_of)
        except (KeyError, ValueError) as exc:  # a bad form value: no retry mends it
            raise AirflowFailException(str(exc)) from None

    @task(task_display_name="列出应报单位", show_return_value_in_logs=False)
    def units_owing(run: dict) -> list[dict]:
        return run["units"]

    @task(task_display_name="报送情况统计表", trigger_rule="all_done")
    def write_summary(run: dict) -> str:
        from airflow.sdk.exceptions import AirflowSkipException

        from planeval.records import CampaignSelection
        from planeval.stages import monitor

        if not run["selection"]:
            raise AirflowSkipException("当日没有正在进行的报送任务")
        return monitor.write_monitor_summary(CampaignSelection.from_xcom(run["selection"]), run["as_of"])

    @task(task_display_name="催报通知", trigger_rule="all_done")
    def write_reminders(run: dict) -> list[str]:
        from airflow.sdk.exceptions import AirflowSkipException

        from planeval.records import CampaignSelection
        from planeval.stages import monitor

        if not run["selection"]:
            raise AirflowSkipException("当日没有正在进行的报送任务")
        return monitor.write_reminders(CampaignSelection.from_xcom(run["selection"]), run["as_of"])

    @task(task_display_name="逾期提醒管理员", on_failure_callback=[_notify_admins])
    def escalate_overdue(run: dict, reminders: list[str]) -> int:
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        from planeval.records import CampaignSelection
        from planeval.stages import monitor

        campaign, as_of = run["campaign"], run["as_of"]
        if not run["selection"]:
            raise AirflowSkipException("当日没有正在进行的报送任务")
        names = monitor.overdue_units(CampaignSelection.from_xcom(run["selection"]), as_of)
        if names:
            raise AirflowFailException(
                f"{campaign}:截至{as_of},已过截止日期仍有{len(names)}个单位未报送或仅有退回版本:" + "、".join(names)
            )
        return len(reminders)

    run = record_statuses()
    units = unit_status.expand(unit=units_owing(run))
    summary = write_summary(run)
    reminders = write_reminders(run)
    units >> [summary, reminders]
    escalate_overdue(run, reminders)


monitor_submissions()
