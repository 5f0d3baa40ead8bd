"""The office's approval of the year-end report, answered through Airflow's public REST API.

The year-end DAG parks its ``office_approval`` task (human-in-the-loop) until someone answers. A reviewer
answers in the UI (Required Actions), which calls ``PATCH /api/v2/dags/{dag}/dagRuns/{run}/taskInstances/
{task}/{map_index}/hitlDetails``; ``planeval approve`` and the unattended demo call the same endpoint with
a token from the same login (``/auth/token``), so an automatic answer is recorded exactly like a click:
who answered, when, the option and the 意见.

The option names and what an answer means live in ``planeval.stages.approval`` (the DAG imports them).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from planeval.stages.approval import APPROVAL_TASK, APPROVE, COMMENT, REJECT


class WaitFailed(Exception):
    """A wait on a DAG run that ended without what it waited for; the message (Chinese) is for the user."""


class WaitTimeout(WaitFailed, TimeoutError):
    """A deadline passed; the message states it (e.g. 等待审核超过 900 秒)."""


class RunFailed(WaitFailed):
    """The run ended, or a task before the approval failed: no approval can come any more."""

    def __init__(self, dag_id: str, run_id: str | None, state: str, task_id: str | None = None, message: str = ""):
        self.dag_id, self.run_id, self.state, self.task_id, self.message = dag_id, run_id, state, task_id, message
        super().__init__(str(self))

    def with_message(self, message: str | None) -> RunFailed:
        return RunFailed(self.dag_id, self.run_id, self.state, self.task_id, message or self.message)

    def __str__(self) -> str:
        if self.task_id:
            return f"任务 {self.task_id} 失败:{self.message or '错误信息见任务日志'}"
        return f"运行已结束({self.state}),未进入审核"


FAILED_STATES = ("failed", "upstream_failed")
ENDED_RUN_STATES = ("success", "failed")


@dataclass(frozen=True)
class PendingApproval:
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    subject: str
    body: str


PARKED_SETTLE_SECONDS = 20.0


class AirflowApi:
    """The few calls of Airflow's public REST API an approval needs, authenticated like the UI's login."""

    def __init__(
        self, base_url: str, username: str, password: str, timeout: float = 30.0, *, triggerer: bool = True
    ) -> None:
        """``triggerer``: the Airflow answered runs a triggerer (a stack); False for ``airflow dags test``,
        which runs the trigger in its own process (``is_parked``)."""
        import httpx

        self.base_url = base_url.rstrip("/")
        self.triggerer = triggerer
        # Under a scheduler the worker that parked the task reports its exit a few seconds after the task
        # parks; an answer before that resumes the task first, and the scheduler then fails it for the stale
        # report ("finished with state success, but the task instance's state attribute is queued", Airflow
        # 3.3). A person is never that quick; a program waits this long after the task parks.
        self.settle_seconds = PARKED_SETTLE_SECONDS if triggerer else 0.0
        response = httpx.post(
            f"{self.base_url}/auth/token", json={"username": username, "password": password}, timeout=timeout
        )
        response.raise_for_status()
        token = response.json()["access_token"]
        self.client = httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    def pending(self, dag_id: str) -> list[PendingApproval]:
        # "~" is the API's wildcard for every run of the DAG
        response = self.client.get(f"/api/v2/dags/{dag_id}/dagRuns/~/hitlDetails", params={"response_received": False})
        response.raise_for_status()
        return [
            PendingApproval(
                dag_id=item["task_instance"]["dag_id"],
                run_id=item["task_instance"]["dag_run_id"],
                task_id=item["task_instance"]["task_id"],
                map_index=item["task_instance"]["map_index"],
                subject=item["subject"],
                body=item.get("body") or "",
            )
            for item in response.json()["hitl_details"]
        ]

    def answer(self, pending: PendingApproval, approve: bool, comment: str) -> dict[str, Any]:
        path = (
            f"/api/v2/dags/{pending.dag_id}/dagRuns/{pending.run_id}/taskInstances/{pending.task_id}/"
            f"{pending.map_index}/hitlDetails"
        )
        payload = {"chosen_options": [APPROVE if approve else REJECT], "params_input": {COMMENT: comment}}
        response = self.client.patch(path, json=payload)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def task_instance(self, pending: PendingApproval) -> dict[str, Any]:
        path = f"/api/v2/dags/{pending.dag_id}/dagRuns/{pending.run_id}/taskInstances/{pending.task_id}"
        if pending.map_index >= 0:
            path += f"/{pending.map_index}"
        response = self.client.get(path)
        response.raise_for_status()
        instance: dict[str, Any] = response.json()
        return instance

    def is_parked(self, pending: PendingApproval) -> bool:
        """The task waits for its answer: ``awaiting_input`` and its trigger taken by a triggerer. The operator
        writes its question before the task parks, and the triggerer picks the trigger up after; an answer
        given before both is overwritten or races the trigger's start and can fail the task (a person is
        never that quick; a program is). Without a triggerer (``airflow dags test`` runs the trigger itself)
        the trigger carries no triggerer id: the state alone says it."""
        instance = self.task_instance(pending)
        if instance.get("state") != "awaiting_input":
            return False
        trigger = instance.get("trigger")
        return trigger is None or trigger.get("triggerer_id") is not None or not self.triggerer

    def parked(self, dag_id: str) -> list[PendingApproval]:
        """Pending approvals whose task is parked (``is_parked``)."""
        return [item for item in self.pending(dag_id) if self.is_parked(item)]

    def runs(self, dag_id: str, since: dt.datetime | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """The DAG's runs, newest first; ``since``: only runs created then or later."""
        params: dict[str, Any] = {"order_by": "-run_after", "limit": limit}
        if since is not None:
            params["run_after_gte"] = since.isoformat()
        response = self.client.get(f"/api/v2/dags/{dag_id}/dagRuns", params=params)
        response.raise_for_status()
        runs: list[dict[str, Any]] = response.json()["dag_runs"]
        return runs

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        response = self.client.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
        response.raise_for_status()
        instances: list[dict[str, Any]] = response.json()["task_instances"]
        return instances

    def upstream_of(self, dag_id: str, task_id: str) -> set[str]:
        """Every task the given one depends on, directly or not (from the DAG's structure)."""
        response = self.client.get(f"/api/v2/dags/{dag_id}/tasks")
        response.raise_for_status()
        upstream: dict[str, set[str]] = {}
        for task in response.json()["tasks"]:
            for downstream in task.get("downstream_task_ids") or []:
                upstream.setdefault(downstream, set()).add(task["task_id"])
        found: set[str] = set()
        todo = [task_id]
        while todo:
            for parent in upstream.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def task_error(self, dag_id: str, run_id: str, task_id: str, try_number: int, map_index: int = -1) -> str:
        """The task's own error from its log (structured JSON: the entry carrying ``error_detail``), or "".
        Under a scheduler the API server reads the task's log; ``airflow dags test`` writes none."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{max(try_number, 1)}"
        try:
            response = self.client.get(path, params={"map_index": map_index}, headers={"Accept": "application/json"})
            response.raise_for_status()
            entries = response.json().get("content") or []
        except Exception:  # no log is not a reason to fail the report of the failure
            return ""
        for entry in reversed(entries):
            details = entry.get("error_detail") if isinstance(entry, dict) else None
            if details:
                first = details[0]
                return f"{first.get('exc_type', '')}: {first.get('exc_value', '')}".strip(": ")
        for entry in reversed(entries):  # no exception: the last error the log recorded (a state change, a kill)
            if isinstance(entry, dict) and str(entry.get("level", "")).lower() in ("error", "critical"):
                return str(entry.get("event", ""))
        return ""

    def failure(
        self, dag_id: str, since: dt.datetime | None = None, upstream: set[str] | None = None
    ) -> RunFailed | None:
        """Why no approval can come for the newest run (created since ``since``), or None while it still can:
        the run ended, or a task the approval depends on failed."""
        runs = self.runs(dag_id, since, limit=1)
        if not runs:
            return None
        run = runs[0]
        instances = self.task_instances(dag_id, run["dag_run_id"])
        approval_states = {ti["state"] for ti in instances if ti["task_id"] == APPROVAL_TASK}
        if upstream is None:
            upstream = self.upstream_of(dag_id, APPROVAL_TASK)
        failed = [ti for ti in instances if ti["state"] == "failed" and ti["task_id"] in upstream]
        if not failed and not approval_states & set(FAILED_STATES) and run["state"] not in ENDED_RUN_STATES:
            return None
        if not failed:  # the run ended some other way: any failed task says why
            failed = [ti for ti in instances if ti["state"] == "failed"]
        if failed:
            first = min(failed, key=lambda ti: ti.get("end_date") or "")
            message = self.task_error(
                dag_id, run["dag_run_id"], first["task_id"], first["try_number"], first["map_index"]
            )
            return RunFailed(dag_id, run["dag_run_id"], "failed", first["task_id"], message)
        return RunFailed(dag_id, run["dag_run_id"], run["state"] or "unknown")

    def wait_for_pending(
        self,
        dag_id: str,
        timeout: float,
        poll: float = 1.0,
        *,
        since: dt.datetime | None = None,
        alive: Callable[[], bool] | None = None,
    ) -> PendingApproval:
        """The parked approval of the newest run (created since ``since``). Watches the run itself: when it
        ends, a task before the approval fails, or ``alive()`` turns false (the process running it exited),
        raises RunFailed at once; after ``timeout`` seconds, WaitTimeout."""
        import httpx

        deadline = time.monotonic() + timeout
        upstream: set[str] | None = None  # read once the DAG is known to the API (it has a run)
        seen: dict[PendingApproval, float] = {}  # when each approval was first seen parked
        while True:
            exited = alive is not None and not alive()
            try:
                runs = self.runs(dag_id, since)
                run_ids = {run["dag_run_id"] for run in runs} if since is not None else None
                parked = [item for item in self.parked(dag_id) if run_ids is None or item.run_id in run_ids]
                if parked:
                    first_seen = seen.setdefault(parked[0], time.monotonic())
                    if time.monotonic() - first_seen >= self.settle_seconds:
                        return parked[0]
                if runs and upstream is None:
                    upstream = self.upstream_of(dag_id, APPROVAL_TASK)
                failure = self.failure(dag_id, since, upstream) if runs else None
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code != 404:  # 404: the DAG or its run is not in the API yet
                    raise
                runs, failure = [], None
            if failure is not None:
                raise failure
            if exited:
                raise RunFailed(dag_id, runs[0]["dag_run_id"] if runs else None, "failed")
            if time.monotonic() >= deadline:
                raise WaitTimeout(f"等待审核超过 {timeout:.0f} 秒:{dag_id} 的审核任务({APPROVAL_TASK})一直未就绪")
            time.sleep(poll)
