"""
### 年终评估 · year_end_assessment

Triggered by the office (安委办) from the Airflow UI form: rebuild the municipal 附件3/附件4 tables from
the latest accepted submission of every unit, compute 年均/累计, 序时进度 and the ratings, and render the
document set as Word under `reports/<campaign>/`, marked 征求意见稿.

The run then **waits for the office's approval** (Required Actions in the UI, or `planeval approve`):
Only the catalog's approvers (`approvers:` in catalog.yaml, default the user `office`) may answer. 批准 writes
the final, unmarked documents; 退回 (an 意见 is required: without one the task asks again) fails
`write_final_report` with the reviewer's 意见, so the run shows it, and the draft stays for the next round.
docs/approval.md.

Logic lives in `planeval.stages`; this file only wires tasks.
"""

from __future__ import annotations

import datetime as dt

from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import Param, dag, task

from planeval.settings import RETRIES, WAREHOUSE_POOL
from planeval.stages.approval import APPROVAL_TASK, APPROVE, COMMENT, REJECT
from planeval.stages.trigger_form import campaign_param, date_param, plans_param, read_choices, reopen_param

FORM = read_choices()  # the catalog's campaigns and plans, read once per parse (three small YAML files)


class OfficeApproval(HITLOperator):
    """The HITL approval, answered by the catalog's approvers only; a 退回 without 意见 is asked again."""

    def execute(self, context):
        from planeval.stages.approval import assigned
        from planeval.stages.context import settings_and_catalog

        self.assigned_users = assigned(settings_and_catalog()[1].approvers)
        return super().execute(context)

    def execute_complete(self, context, event):
        from planeval.stages.approval import missing_comment

        if "error" not in event and (problem := missing_comment(event["chosen_options"], event["params_input"])):
            self.log.error(problem)
            return self.execute(context)  # writes the question again (clearing the answer) and parks the task
        return super().execute_complete(context, event)


@dag(
    dag_display_name="年终评估",
    schedule=None,
    start_date=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=RETRIES,
    tags=["planeval", "评估"],
    doc_md=__doc__,
    params={
        "campaign": campaign_param(
            FORM,
            "要评估的任务(目录 campaigns.yaml);默认为当日唯一正在进行的任务(目录只有一个任务时即为该任务);"
            "无法确定时运行失败并列出可选任务",
        ),
        "year": Param(
            None,
            type=["null", "integer"],
            minimum=2000,
            maximum=2100,
            title="评估年度",
            description="可不填;填写时须与所选评估任务的年度一致,如 2025",
        ),
        "plans": plans_param(FORM),
        "data_cutoff": date_param(
            "年度数据截止日期",
            "其年份即数据年度;留空则取目录中该评估任务的截止日期(如通知的2024年12月31日)",
            None,
        ),
        "reopen": reopen_param(),
    },
)
def year_end_assessment():
    @task(task_display_name="汇总指标并生成征求意见稿", pool=WAREHOUSE_POOL)
    def render_draft(params: dict | None = None, dag_run=None) -> dict:
        """The campaign, plans and cut-off of this run, resolved once from the form and the catalog (a bad form
        value fails here, before any work); the municipal results rebuilt; the document set rendered as
        征求意见稿. One task: on a running stack every hop between tasks costs about 1.5 s (bench/year_end.py)."""
        from airflow.sdk.exceptions import AirflowFailException

        from planeval.stages import context, year_end
        from planeval.stages.approval import draft_links
        from planeval.warehouse.db import WarehouseUnavailable

        params = params or {}
        try:
            chosen = context.select(
                params.get("campaign") or None,
                params.get("year"),
                plans=params.get("plans") or None,
                data_cutoff=params.get("data_cutoff") or None,
            )
        except (KeyError, ValueError) as exc:  # a bad form value: no retry mends it
            raise AirflowFailException(str(exc)) from None
        who = getattr(dag_run, "triggering_user_name", None) or "年终评估表单"
        year_end.reopen_if_asked(chosen, params.get("reopen"), who)
        aggregated = year_end.refresh_results(chosen)
        try:
            paths = year_end.render_reports(chosen)
        except WarehouseUnavailable:
            raise  # retried
        except Exception as exc:  # a missing font, an occupied folder: no retry mends it, fail at once
            raise AirflowFailException(year_end.failure_text(exc)) from exc
        return {
            "selection": chosen.as_xcom(),
            "campaign": chosen.campaign,
            "paths": paths,
            "links": draft_links(chosen.campaign, paths),
            "summary": year_end.approval_summary(chosen, aggregated),
        }

    draft = render_draft()
    approval = OfficeApproval(
        task_id=APPROVAL_TASK,
        task_display_name=f"{FORM.office}审核",
        subject="请审核评估报告(征求意见稿)",
        body=(
            "{{ ti.xcom_pull(task_ids='render_draft')['summary'] }}\n\n"
            "征求意见稿(点击下载):\n{% for link in ti.xcom_pull(task_ids='render_draft')['links'] %}- {{ link }}\n"
            "{% endfor %}\n"
            "请核对主要指标、滞后指标分析和自评与测算不一致的指标。“批准”后生成定稿(去除征求意见稿标记);"
            "“退回”须在“意见”中写明修改要求。"
        ),
        options=[APPROVE, REJECT],
        retries=0,
        params={
            # null allowed: the UI marks a string-only field required and keeps 批准 disabled until it is filled
            COMMENT: Param(
                None, type=["null", "string"], title="审核意见", description="批准时可不填;退回时必填:需要修改的内容"
            )
        },
    )

    @task(task_display_name="生成定稿")
    def write_final_report(draft: dict, ti=None) -> list[str]:
        from airflow.sdk.exceptions import AirflowFailException

        from planeval.records import CampaignSelection
        from planeval.stages import year_end
        from planeval.warehouse.db import WarehouseUnavailable

        decision = ti.xcom_pull(task_ids=APPROVAL_TASK)
        try:
            return year_end.finish_after_approval(CampaignSelection.from_xcom(draft["selection"]), decision)
        except WarehouseUnavailable:
            raise  # retried
        except Exception as exc:  # 退回, or what no retry mends: fail at once with the reviewer's 意见
            raise AirflowFailException(str(exc)) from exc

    draft >> approval
    write_final_report(draft) << approval


year_end_assessment()
