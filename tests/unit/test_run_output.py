"""The failed task's own error, read from `airflow dags test` output as the approval runner reads it."""

from __future__ import annotations

import io
import subprocess
import sys

from planeval.ui.airflow_runner import RunOutput

OUTPUT = """\
2026-12-03T08:33:40.881515Z [info     ] [DAG TEST] starting task_id=aggregate_indicators map_index=-1 [airflow]
2026-12-03T08:33:40.939720Z [info     ] [DAG TEST] end task task_id=aggregate_indicators map_index=-1 [airflow]
2026-12-03T08:33:41.881515Z [info     ] [DAG TEST] starting task_id=render_draft map_index=-1 [airflow]
2026-12-03T08:33:42.822430Z [error    ] Task failed with exception     [task] loc=task_runner.py:1676
Traceback (most recent call last):
  File "/work/dags/year_end_assessment.py", line 77, in render_draft
    paths = pipeline.render_reports(aggregated["campaign"], None)
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/work/plugins/planeval/charts.py", line 44, in cjk_font
    raise NoCjkFont(
planeval.charts.NoCjkFont: 未找到中文字体,图表中的汉字无法显示:请安装 fonts-noto-cjk
2026-12-03T08:33:42.839814Z [info     ] ::group::Post Execute          [task] loc=task_runner.py:1677
2026-12-03T08:33:42.939720Z [info     ] [DAG TEST] end task task_id=render_draft map_index=-1 [airflow]
"""


def test_the_failed_task_and_its_own_message_are_read_from_the_run_output():
    process = subprocess.Popen(
        [sys.executable, "-c", f"print({OUTPUT!r}, end='')"], stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    log = io.StringIO()
    output = RunOutput(process, log)
    process.wait()
    output.finish(process)
    assert output.errors == {"render_draft": "未找到中文字体,图表中的汉字无法显示:请安装 fonts-noto-cjk"}
    assert output.error_of(None) == output.errors["render_draft"]
    assert log.getvalue() == OUTPUT  # everything still goes to the log
