"""
### 收取报送材料 · collect_submissions

Every 15 minutes: take the files the reporting units dropped into `drop/<unit>/inbox/`, archive each
byte for byte, validate the batch with Great Expectations, stage it in the warehouse, write a receipt
(回执) beside the unit's inbox, and — when new data was accepted — update the Asset
`planeval_accepted_submissions`, on which `refresh_indicator_tables` rebuilds the municipal tables.
Then the 预审 files in `drop/<unit>/check/`: validated the same way, answered with a 预审回执, never recorded.

The campaign is resolved first (the form's 评估任务, else the only one open that day or the catalog's only
one); a run that cannot resolve it without guessing fails there, listing the candidates, and takes no file.
One mapped `collect_batch` per batch of whole units (about `PLANEVAL_BATCH_FILES` files, default 200; a
city's pass is usually one batch), named in the grid by its units: each batch archives its files, then
validates, records and receipts them with one GX context and one warehouse engine. A file that fails
never fails the others. Logic lives in `planeval.stages`; this file only wires tasks.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from planeval.settings import RETRIES, WAREHOUSE_POOL
from planeval.stages.assets import ACCEPTED_SUBMISSIONS
from planeval.stages.trigger_form import campaign_param, read_choices

FORM = read_choices()  # the catalog's campaigns, read once per parse (two small YAML files)


@dag(
    dag_display_name="报送收取与校验",
    schedule=dt.timedelta(minutes=15),
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    max_active_runs=1,
    tags=["planeval", "收取"],
    doc_md=__doc__,
    params={
        "campaign": campaign_param(
            FORM,
            "本次收取的报送归入该评估任务;默认为当日唯一正在收取的任务(目录只有一个任务时即为该任务)。"
            "按计划每15分钟运行时取运行当日唯一正在收取的任务;同时有多个时运行失败并列出可选任务,须手动选择",
        ),
    },
)
def collect_submissions():
    @task(task_display_name="确定评估任务")
    def select_campaign(params: dict | None = None, dag_run=None) -> dict:
        """The campaign this pass files submissions under, resolved once for the whole run."""
        from airflow.sdk.exceptions import AirflowFailException

        from planeval.stages import collect
        from planeval.stages.trigger_form import from_form

        try:
            return collect.select_collecting(from_form(params, "campaign", dag_run.run_type)).as_xcom()
        except (KeyError, ValueError) as exc:  # a bad form value, or a choice that would be a guess: no retry mends it
            raise AirflowFailException(str(exc)) from None

    @task(task_display_name="查找待收文件并分批", show_return_value_in_logs=False)
    def discover_files() -> list[dict]:
        from planeval.stages import collect

        return collect.discover_batches()

    @task(
        task_display_name="存档、校验、入库与回执",
        map_index_template="{{ batch['label'] }}",
        pool=WAREHOUSE_POOL,
        show_return_value_in_logs=False,
    )
    def collect_batch(batch: dict, selection: dict, run_id: str | None = None) -> list[dict]:
        from planeval.records import CampaignSelection
        from planeval.stages import collect

        chosen = CampaignSelection.from_xcom(selection)
        return collect.collect_batch(batch, chosen, run_id or collect.new_pass_id())

    @task(task_display_name="通知指标表更新", outlets=[ACCEPTED_SUBMISSIONS])
    def announce_accepted(summaries: list[list[dict]], outlet_events=None) -> dict:
        from airflow.sdk.exceptions import AirflowSkipException

        batches = [summaries[index] for index in range(len(summaries))]  # by index: no probing past the end
        accepted = [item for batch in batches for item in batch if item["status"] == "accepted"]
        if not accepted:  # a skipped task emits no Asset event: nothing downstream runs
            raise AirflowSkipException("本次没有新受理的数据")
        change = {"campaigns": sorted({item["campaign"] for item in accepted}), "accepted": len(accepted)}
        outlet_events[ACCEPTED_SUBMISSIONS].extra = change
        return change

    @task(task_display_name="预审回执", trigger_rule="all_done", show_return_value_in_logs=False)
    def check_files(selection: dict) -> list[dict]:
        """The 预审 files in the units' check/ folders: validated like submissions, receipted, never recorded."""
        from planeval.records import CampaignSelection
        from planeval.stages import collect

        return collect.check_files(CampaignSelection.from_xcom(selection))

    selection = select_campaign()
    found = discover_files()
    selection >> found  # the campaign first: a run that cannot resolve it takes no file
    summary = collect_batch.partial(selection=selection).expand(batch=found)
    announce_accepted(summary)
    summary >> check_files(selection)  # after this pass's submissions, whatever became of them


collect_submissions()
