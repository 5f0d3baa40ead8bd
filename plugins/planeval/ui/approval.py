"""The office's approval of the year-end report, answered through Airflow's public REST API.

The year-end DAG parks its ``office_approval`` task (human-in-the-loop) until someone answers. A reviewer
answers in the UI (Required Actions), which calls ``PATCH /api/v2/dags/{dag}/dagRuns/{run}/taskInstances/
{task}/{map_index}/hitlDetails``; ``planeval approve`` and the unattended demo call the same endpoint with
a token from the same login (``/auth/token``), so an automatic answer is recorded exactly like a click:
who answered, when, the option and the 意见.

The option names and what an answer means live in ``planeval.stages.approval`` (the DAG imports them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from planeval.stages.approval import APPROVE, COMMENT, REJECT


@dataclass(frozen=True)
class PendingApproval:
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    subject: str
    body: str


class AirflowApi:
    """The few calls of Airflow's public REST API an approval needs, authenticated like the UI's login."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 30.0) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
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

    def answer(self, pending: PendingApproval, approve: bool, comment: str) -> dict:
        path = (
            f"/api/v2/dags/{pending.dag_id}/dagRuns/{pending.run_id}/taskInstances/{pending.task_id}/"
            f"{pending.map_index}/hitlDetails"
        )
        payload = {"chosen_options": [APPROVE if approve else REJECT], "params_input": {COMMENT: comment}}
        response = self.client.patch(path, json=payload)
        response.raise_for_status()
        return response.json()

    def task_state(self, pending: PendingApproval) -> str | None:
        path = f"/api/v2/dags/{pending.dag_id}/dagRuns/{pending.run_id}/taskInstances/{pending.task_id}"
        if pending.map_index >= 0:
            path += f"/{pending.map_index}"
        response = self.client.get(path)
        response.raise_for_status()
        return response.json().get("state")

    def parked(self, dag_id: str) -> list[PendingApproval]:
        """Pending approvals whose task is parked. The operator writes its question before the task reaches
        ``awaiting_input``; an answer given in between is overwritten when the task parks, and the run then
        waits for ever — so only a parked task is answered (a person is never that quick; a program is)."""
        return [item for item in self.pending(dag_id) if self.task_state(item) == "awaiting_input"]

    def wait_for_pending(self, dag_id: str, timeout: float, poll: float = 1.0) -> PendingApproval:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            parked = self.parked(dag_id)
            if parked:
                return parked[0]
            time.sleep(poll)
        raise TimeoutError(f"no approval of {dag_id} became pending within {timeout:.0f} s")
