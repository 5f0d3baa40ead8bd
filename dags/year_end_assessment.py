"""
### 年终评估 · year_end_assessment

Triggered by the office (市安委办) from the Airflow UI form: rebuild the municipal 附件3/附件4 tables from
the latest accepted submission of every unit, compute 年均/累计, 序时进度 and the ratings, and render the
summary assessment report (framework of 附件1) as Word under `reports/<campaign>/`.

Logic lives in `planeval.pipeline`; this file only wires tasks.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Param, dag, task

WAREHOUSE_POOL = "planeval_warehouse"


@dag(
    schedule=None,
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    tags=["planeval", "评估"],
    doc_md=__doc__,
    params={
        "campaign": Param(
            "",
            type="string",
            title="评估任务代码",
            description="目录 campaigns.yaml 中的代码,如 haian_2025_summary;留空则按评估年度选择",
        ),
        "year": Param(
            2025,
            type="integer",
            minimum=2000,
            maximum=2100,
            title="评估年度",
            description="开展评估的年度,如 2025(“十四五”总结评估)",
        ),
        "plans": Param(
            [],
            type="array",
            items={"type": "string"},
            title="规划",
            description="只评估所列规划代码(如 safety、emergency);留空则评估本任务的全部规划",
        ),
        "data_cutoff": Param(
            "2024-12-31",
            type="string",
            format="date",
            title="年度数据截止日期",
            description="年度数据截止日期,其年份即数据年度(通知:截止2024年12月31日)",
        ),
        "final": Param(False, type="boolean", title="定稿", description="勾选则生成定稿;默认生成“征求意见稿”"),
    },
)
def year_end_assessment():
    @task(pool=WAREHOUSE_POOL)
    def aggregate_indicators(params: dict | None = None) -> dict:
        from planeval import pipeline

        return pipeline.refresh_results(
            params["campaign"] or None, params["year"], params["plans"] or None, params["data_cutoff"]
        )

    @task
    def render_report(aggregated: dict, params: dict | None = None) -> list[str]:
        from planeval import pipeline

        return pipeline.render_reports(
            aggregated["campaign"], None, params["plans"] or None, params["data_cutoff"], draft=not params["final"]
        )

    render_report(aggregate_indicators())


year_end_assessment()
