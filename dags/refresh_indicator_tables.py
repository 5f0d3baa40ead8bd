"""
### 更新指标汇总表 · refresh_indicator_tables

Data-aware: runs whenever `collect_submissions` accepts new data (Asset `planeval_accepted_submissions`)
and rebuilds the municipal 附件3/附件4 tables of the campaigns that changed, from the latest accepted
version of every unit. The year-end run does the same and then renders the report.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from planeval.settings import RETRIES, WAREHOUSE_POOL
from planeval.stages.assets import ACCEPTED_SUBMISSIONS


@dag(
    dag_display_name="指标表刷新",
    schedule=[ACCEPTED_SUBMISSIONS],
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    max_active_runs=1,
    tags=["planeval", "汇总"],
    doc_md=__doc__,
)
def refresh_indicator_tables():
    @task(task_display_name="重建指标汇总表", pool=WAREHOUSE_POOL)
    def rebuild_tables(triggering_asset_events=None) -> list[dict]:
        from planeval.stages import context, year_end

        campaigns = sorted(
            {
                code
                for events in (triggering_asset_events or {}).values()
                for event in events
                for code in (event.extra or {}).get("campaigns", [])
            }
        )
        return [year_end.refresh_results(context.select(code)) for code in campaigns or [None]]

    rebuild_tables()


refresh_indicator_tables()
