"""Telling the office's admins that a deadline has passed with units still missing.

Runs as the ``on_failure_callback`` of the monitor's ``escalate_overdue`` task, through Airflow's own
notifiers: the failure is always in the task log and the grid (a red task, a failed run); e-mail goes out
through Airflow's SMTP notifier only when ``PLANEVAL_ADMIN_EMAILS`` is set (off by default). The SMTP
server is Airflow's connection ``PLANEVAL_SMTP_CONN_ID`` (default ``smtp_default``), e.g.
``AIRFLOW_CONN_SMTP_DEFAULT='smtp://mail.example.gov.cn:25?from_email=anweiban%40example.gov.cn'``.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from typing import Any

from planeval.safetext import printable
from planeval.settings import get_alert_settings

log = logging.getLogger(__name__)


def _raw(text: str) -> str:
    """Notifier fields are Jinja templates: keep a message's own braces literal."""
    return "{% raw %}" + text + "{% endraw %}"


def overdue_notifiers(message: str) -> list[Callable[[Mapping[str, Any]], None]]:
    """The notifiers configured for an overdue alert (empty when e-mail is off)."""
    alert = get_alert_settings()
    if not alert.admin_emails:
        return []
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    return [
        SmtpNotifier(
            to=list(alert.admin_emails),
            from_email=alert.from_email,
            subject=_raw("【报送监测】截止日期已过,仍有单位未报送"),
            html_content=_raw(f"<p>{html.escape(message)}</p><p>详见 Airflow 中 monitor_submissions 的运行记录。</p>"),
            smtp_conn_id=alert.smtp_conn_id,
        )
    ]


def notify_admins(context: Mapping[str, Any]) -> None:
    """on_failure_callback: pass the task's failure message to every configured notifier."""
    message = str(context.get("exception") or "报送监测发现逾期未报单位")
    log.warning("overdue alert: %s", printable(message))
    for notifier in overdue_notifiers(message):
        notifier(context)
