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

Trigger by hand with 统计日期 to see the campaign as it stood on another day.
Logic lives in `planeval.stages.monitor` and `planeval.monitoring`; this file only wires tasks.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Param, dag, task, task_group

from planeval.settings import RETRIES, WAREHOUSE_POOL


def _notify_admins(context) -> None:
    from planeval.monitoring.alerts import notify_admins

    notify_admins(context)


@dag(
    schedule="@daily",
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    max_active_runs=1,
    tags=["planeval", "监测"],
    doc_md=__doc__,
    params={
        "campaign": Param("", type="string", title="评估任务代码", description="留空则监测当日正在进行的报送任务"),
        "as_of": Param(
            "",
            type="string",
            title="统计日期",
            description="按该日(北京时间)统计,格式 2025-06-17;留空则为运行当日",
        ),
    },
)
def monitor_submissions():
    @task(pool=WAREHOUSE_POOL)
    def record_statuses(params: dict | None = None) -> dict:
        from planeval.stages import monitor

        return monitor.monitor_campaign(params["campaign"] or None, params["as_of"] or None)

    @task
    def units_owing(run: dict) -> list[dict]:
        return run["units"]

    @task_group(group_id="unit")
    def unit_status(unit: dict) -> None:
        @task(map_index_template="{{ unit_name }}")
        def received(unit: dict) -> str:
            from airflow.sdk import get_current_context
            from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

            get_current_context()["unit_name"] = unit["unit_name"]  # names the grid row

            if unit["status"] == "missing":
                raise AirflowSkipException(f"{unit['unit_name']}:未报送 {unit['forms']}")
            if unit["status"] == "rejected_only":
                raise AirflowFailException(f"{unit['unit_name']}:仅有退回版本,待重新报送 {unit['forms']}")
            return unit["label"]

        @task(map_index_template="{{ unit_name }}")
        def on_time(unit: dict) -> str:
            from airflow.sdk import get_current_context
            from airflow.sdk.exceptions import AirflowFailException

            get_current_context()["unit_name"] = unit["unit_name"]

            if unit["status"] == "late":
                raise AirflowFailException(f"{unit['unit_name']}:逾期报送 {unit['forms']}")
            return unit["label"]

        received(unit) >> on_time(unit)

    @task(trigger_rule="all_done")
    def write_summary(run: dict) -> str:
        from airflow.sdk.exceptions import AirflowSkipException

        from planeval.records import CampaignSelection
        from planeval.stages import monitor

        if not run["selection"]:
            raise AirflowSkipException("当日没有正在进行的报送任务")
        return monitor.write_monitor_summary(CampaignSelection.from_xcom(run["selection"]), run["as_of"])

    @task(trigger_rule="all_done")
    def write_reminders(run: dict) -> list[str]:
        from airflow.sdk.exceptions import AirflowSkipException

        from planeval.records import CampaignSelection
        from planeval.stages import monitor

        if not run["selection"]:
            raise AirflowSkipException("当日没有正在进行的报送任务")
        return monitor.write_reminders(CampaignSelection.from_xcom(run["selection"]), run["as_of"])

    @task(on_failure_callback=[_notify_admins])
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
