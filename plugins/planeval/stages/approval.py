"""The office's approval of the year-end report as the DAG asks for it: the options, the comment field, the
task's name, and what an answer means. Stdlib only: the year-end DAG file imports these names at parse time.

Imports nothing of planeval.
"""

from __future__ import annotations

from typing import Any

APPROVE, REJECT = "批准", "驳回"
COMMENT = "意见"
APPROVAL_TASK = "office_approval"


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
