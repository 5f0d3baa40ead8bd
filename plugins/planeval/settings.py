"""Where planeval finds its catalog, files and warehouse: every environment variable is read here."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

# The repository root: plugins/planeval/settings.py → ../../
REPO_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = REPO_ROOT / "sql"
TEMPLATES_DIR = REPO_ROOT / "templates"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
DEFAULT_CATALOG = REPO_ROOT / "catalog" / "haian"
# The Airflow pool every task that writes the warehouse takes a slot of: one on SQLite (a single writer).
WAREHOUSE_POOL = "planeval_warehouse"
# Every task that touches the warehouse or the drop folders: a database outage or a lock is retried with
# back-off (15 s, 30 s, 60 s, 120 s); errors no retry can mend fail at once (AirflowFailException).
RETRIES: dict[str, object] = {
    "retries": 4,
    "retry_delay": dt.timedelta(seconds=15),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": dt.timedelta(minutes=10),
}


@dataclass(frozen=True)
class Settings:
    home: Path
    catalog_dir: Path
    db_url: str
    settle_seconds: float = 2.0  # a file must keep its size and mtime this long before it is taken
    max_file_bytes: int = 50 * 1024 * 1024  # larger uploads are archived and refused unread
    claim_lease_seconds: float = 3600.0  # a claim on an inbox file held this long by a silent pass is taken over
    batch_files: int = 200  # a collection pass maps one task per batch of whole units of about this many files

    @property
    def drop_dir(self) -> Path:
        return self.home / "drop"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def forms_dir(self) -> Path:
        return self.home / "forms"

    def inbox(self, unit_code: str) -> Path:
        return self.drop_dir / unit_code / "inbox"

    def receipts(self, unit_code: str) -> Path:
        return self.drop_dir / unit_code / "receipts"

    def check_dir(self, unit_code: str) -> Path:
        """The unit's 预审 folder beside its inbox: a file put here is validated and receipted, never recorded."""
        return self.drop_dir / unit_code / "check"

    def check_archive(self, unit_code: str) -> Path:
        """Where a 预审 file's original is kept once taken: the unit's archive, apart from its submissions."""
        return self.archive_dir / unit_code / "check"


def get_settings() -> Settings:
    """Read PLANEVAL_HOME, PLANEVAL_CATALOG, PLANEVAL_DB_URL, PLANEVAL_SETTLE_SECONDS, PLANEVAL_MAX_FILE_MB and
    PLANEVAL_CLAIM_LEASE_SECONDS, PLANEVAL_BATCH_FILES (defaults: ./var, catalog/haian, SQLite in the home, 2 s,
    50 MB, 1 hour, 200 files)."""
    home = Path(os.environ.get("PLANEVAL_HOME", "var")).resolve()
    catalog_dir = Path(os.environ.get("PLANEVAL_CATALOG", str(DEFAULT_CATALOG))).resolve()
    db_url = os.environ.get("PLANEVAL_DB_URL") or f"sqlite:///{home / 'warehouse.db'}"
    return Settings(
        home=home,
        catalog_dir=catalog_dir,
        db_url=db_url,
        settle_seconds=float(os.environ.get("PLANEVAL_SETTLE_SECONDS", "2")),
        max_file_bytes=int(float(os.environ.get("PLANEVAL_MAX_FILE_MB", "50")) * 1024 * 1024),
        claim_lease_seconds=float(os.environ.get("PLANEVAL_CLAIM_LEASE_SECONDS", "3600")),
        batch_files=int(os.environ.get("PLANEVAL_BATCH_FILES", "200")),
    )


def fault_point() -> str | None:
    """PLANEVAL_FAULT_AT: the named checkpoint of a collection pass at which the fault tests kill the process
    (``planeval.faults.checkpoint``); unset in production."""
    return os.environ.get("PLANEVAL_FAULT_AT") or None


@dataclass(frozen=True)
class AlertSettings:
    """Overdue alerts by e-mail through Airflow's SMTP notifier: off while ``admin_emails`` is empty."""

    admin_emails: tuple[str, ...]
    from_email: str | None
    smtp_conn_id: str


def get_alert_settings() -> AlertSettings:
    """Read PLANEVAL_ADMIN_EMAILS (comma-separated; empty = off), PLANEVAL_ALERT_FROM and PLANEVAL_SMTP_CONN_ID
    (default: Airflow's smtp_default connection)."""
    emails = tuple(e.strip() for e in os.environ.get("PLANEVAL_ADMIN_EMAILS", "").split(",") if e.strip())
    return AlertSettings(
        admin_emails=emails,
        from_email=os.environ.get("PLANEVAL_ALERT_FROM") or None,
        smtp_conn_id=os.environ.get("PLANEVAL_SMTP_CONN_ID", "smtp_default"),
    )


def api_password() -> str | None:
    """PLANEVAL_API_PASSWORD: the reviewer's Airflow password for ``planeval approve`` (asked for when unset)."""
    return os.environ.get("PLANEVAL_API_PASSWORD") or None


def ui_port() -> int:
    """PLANEVAL_UI_PORT: the port of ``planeval up``'s Airflow UI and API (default 8080)."""
    return int(os.environ.get("PLANEVAL_UI_PORT") or 8080)


def disable_gx_analytics() -> None:
    """GX 1.x phones home on import and hangs on a closed network: switch it off before importing it. Its
    import-time and per-run chatter (``_docs_decorators``, registry, ephemeral data context) goes to WARNING,
    so a task's log keeps planeval's one line per file."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    quiet_gx_logging()


def quiet_gx_logging() -> None:
    """GX's loggers at WARNING; again after importing GX, which sets one of its own to INFO on import."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
