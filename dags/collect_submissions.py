"""
### 收取报送材料 · collect_submissions

Every 15 minutes: take the files the reporting units dropped into `drop/<unit>/inbox/`, archive each
byte for byte, validate the batch with Great Expectations, stage it in the warehouse, write a receipt
(回执) beside the unit's inbox, and — when new data was accepted — update the Asset
`planeval_accepted_submissions`, on which `refresh_indicator_tables` rebuilds the municipal tables.

One mapped `archive_file` per file, named by unit and file; a file that fails never fails the others.
Logic lives in `planeval.stages`; this file only wires tasks.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Param, dag, task

from planeval.settings import RETRIES, WAREHOUSE_POOL
from planeval.stages.assets import ACCEPTED_SUBMISSIONS


@dag(
    schedule=dt.timedelta(minutes=15),
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    max_active_runs=1,
    tags=["planeval", "收取"],
    doc_md=__doc__,
    params={
        "campaign": Param(
            "",
            type="string",
            title="评估任务代码",
            description="留空则为当日正在收取的评估任务(目录 campaigns.yaml)",
        ),
    },
)
def collect_submissions():
    @task
    def select_campaign(params: dict | None = None) -> dict:
        """The campaign this pass files submissions under, resolved once for the whole run."""
        from planeval.stages import collect

        return collect.select_collecting(params["campaign"] or None).as_xcom()

    @task
    def discover_files() -> list[dict]:
        from planeval.stages import collect

        return collect.discover()

    @task(map_index_template="{{ inbox_file['unit_name'] }} · {{ inbox_file['path'].split('/')[-1] }}")
    def archive_file(inbox_file: dict, run_id: str | None = None) -> dict:
        from planeval.stages import collect

        return collect.archive(inbox_file, run_id or collect.new_pass_id())

    @task(pool=WAREHOUSE_POOL)
    def validate_submissions(received: list[dict], selection: dict, run_id: str | None = None) -> list[dict]:
        from planeval.records import CampaignSelection
        from planeval.stages import collect

        chosen = CampaignSelection.from_xcom(selection)
        return collect.validate_and_record(list(received), chosen, run_id or collect.new_pass_id())

    @task(outlets=[ACCEPTED_SUBMISSIONS])
    def announce_accepted(summary: list[dict], outlet_events=None) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        accepted = [item for item in summary if item["status"] == "accepted"]
        if not accepted:  # a skipped task emits no Asset event: nothing downstream runs
            raise AirflowSkipException("本次没有新受理的数据")
        change = {"campaigns": sorted({item["campaign"] for item in accepted}), "accepted": len(accepted)}
        outlet_events[ACCEPTED_SUBMISSIONS].extra = change
        return change

    received = archive_file.expand(inbox_file=discover_files())
    announce_accepted(validate_submissions(received, select_campaign()))


collect_submissions()
