"""The office's approval of the year-end report as the DAG asks for it: the options, the comment field, the
task's name, who may answer, the links to the draft, and what an answer means. Stdlib only: the year-end DAG
file imports these names at parse time.

Imports nothing of planeval.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

APPROVE, REJECT = "批准", "退回"
COMMENT = "意见"
APPROVAL_TASK = "office_approval"
DEFAULT_APPROVERS = ("office",)
DEFAULT_BASE_URL = "http://localhost:8080"
NO_COMMENT = "“退回”须在“意见”中写明修改要求;本次答复未生效,审核任务重新等待答复。"


class ReportRejected(Exception):
    """The office rejected the draft; the message carries the reviewer's 意见 into the run."""


def decision_of(response: dict[str, Any] | None) -> tuple[bool, str, str]:
    """(approved, 意见, who answered) from the approval task's result (its XCom)."""
    response = response or {}
    chosen = response.get("chosen_options") or []
    comment = str((response.get("params_input") or {}).get(COMMENT) or "").strip()
    user = response.get("responded_by_user") or {}
    who = user.get("name") or user.get("id") or "审核人"
    return chosen == [APPROVE], comment, who


def missing_comment(chosen_options: Sequence[str] | None, params_input: Mapping[str, Any] | None) -> str | None:
    """Why an answer cannot stand, or None: 退回 needs an 意见 (批准 does not). HITL params cannot be required
    depending on the option chosen, so the approval task checks the answer itself and asks again."""
    if list(chosen_options or []) != [REJECT]:
        return None
    comment = str((params_input or {}).get(COMMENT) or "").strip()
    return None if comment else NO_COMMENT


def assigned(approvers: Iterable[str]) -> list[dict[str, str]]:
    """The approval task's ``assigned_users``: each approver named by username (id and name), matched by
    ``planeval.ui.fab_auth.PlanevalFabAuthManager``."""
    return [{"id": name, "name": name} for name in approvers]


def base_url(environ: Mapping[str, str] | None = None) -> str:
    """Where the office's browser reaches Airflow: ``AIRFLOW__API__BASE_URL``, else http://localhost:8080."""
    environ = os.environ if environ is None else environ
    return (environ.get("AIRFLOW__API__BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def draft_links(campaign: str, paths: Iterable[str], url: str | None = None) -> list[str]:
    """The draft documents as markdown links to planeval's download page (never server paths)."""
    root = url or base_url()
    links = []
    for path in paths:
        name = PurePath(path).name
        links.append(f"[{name}]({root}/planeval/reports/{quote(campaign)}/{quote(name)})")
    return links
