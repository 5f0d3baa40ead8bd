"""
### 更新指标汇总表 · refresh_indicator_tables

Data-aware: runs whenever `collect_submissions` accepts new data (Asset `planeval_accepted_submissions`)
and rebuilds the municipal 附件3/附件4 tables of the campaigns that changed, from the latest accepted
version of every unit. The year-end run does the same and then renders the report.

Triggered by hand, it rebuilds the campaign chosen in the form (评估任务); without one, the only campaign
open that day (or the catalog's only one) — with several, the run fails and lists them rather than guess.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from planeval.settings import RETRIES, WAREHOUSE_POOL
from planeval.stages.assets import ACCEPTED_SUBMISSIONS
from planeval.stages.trigger_form import campaign_param, read_choices

FORM = read_choices()  # the catalog's campaigns, read once per parse (two small YAML files)


@dag(
    dag_display_name="指标表刷新",
    schedule=[ACCEPTED_SUBMISSIONS],
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    max_active_runs=1,
    tags=["planeval", "汇总"],
    doc_md=__doc__,
    params={
        "campaign": campaign_param(
            FORM,
            "手动运行时重建该评估任务的指标汇总表;由新受理的数据触发时,重建有新数据的评估任务",
        ),
    },
)
def refresh_indicator_tables():
    @task(task_display_name="重建指标汇总表", pool=WAREHOUSE_POOL)
    def rebuild_tables(params: dict | None = None, dag_run=None, triggering_asset_events=None) -> list[dict]:
        from airflow.sdk.exceptions import AirflowFailException

        from planeval.stages import context, year_end
        from planeval.stages.trigger_form import from_form

        campaigns = sorted(
            {
                code
                for events in (triggering_asset_events or {}).values()
                for event in events
                for code in (event.extra or {}).get("campaigns", [])
            }
        )
        chosen = campaigns or [from_form(params, "campaign", dag_run.run_type)]
        try:  # every campaign resolved before any table is rebuilt
            selections = [context.select(code) for code in chosen]
        except (KeyError, ValueError) as exc:  # an unknown code, or a choice that would be a guess
            raise AirflowFailException(str(exc)) from None
        return [year_end.refresh_results(selection) for selection in selections]

    rebuild_tables()


refresh_indicator_tables()
