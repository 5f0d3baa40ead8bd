"""
### 基准:单任务空运行 · bench_trivial

One task that returns at once: what Airflow itself costs to run one task (scheduling, a task process, its
state written back). bench/year_end.py runs it the same ways as year_end_assessment and prints the ratio.
It lives in bench/dags/, outside dags/: production never parses it; a benchmark adds this folder as a second
DAG bundle (`airflow dags test bench_trivial -B bench`, or its own `planeval up` stack).
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task


@dag(schedule=None, start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), catchup=False, tags=["bench"], doc_md=__doc__)
def bench_trivial():
    @task
    def nothing() -> int:
        return 0

    nothing()


bench_trivial()
