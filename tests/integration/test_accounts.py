"""planeval's Airflow accounts under the FAB auth manager, on a fresh SQLite metadata DB: the roles, the
users of the demo (office, admin, one per reporting unit), the accounts file, hashed passwords, re-runs
that keep passwords, and who may answer the approval."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from planeval.settings import get_settings
from planeval.ui import accounts


@pytest.fixture
def fab_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("AIRFLOW_HOME", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__AUTH_MANAGER"):
        monkeypatch.delenv(name, raising=False)
    env = accounts.auth_environment(get_settings())
    airflow = str(Path(sys.executable).with_name("airflow"))
    migrated = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True, check=False)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    return env


def _role_permissions(env: dict[str, str], role: str) -> set[tuple[str, str]]:
    engine = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    query = text(
        "SELECT a.name, v.name FROM ab_permission_view_role pr JOIN ab_role r ON r.id = pr.role_id "
        "JOIN ab_permission_view pv ON pv.id = pr.permission_view_id JOIN ab_permission a ON a.id = pv.permission_id "
        "JOIN ab_view_menu v ON v.id = pv.view_menu_id WHERE r.name = :role"
    )
    with engine.connect() as connection:
        found = {(action, resource) for action, resource in connection.execute(query, {"role": role})}
    engine.dispose()
    return found


def test_accounts_are_created_hashed_kept_and_only_the_office_may_answer(fab_env, home, catalog):
    settings = get_settings()
    path = accounts.ensure_accounts(fab_env, settings)
    assert path == home / "ui-accounts.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listed = json.loads(path.read_text(encoding="utf-8"))
    assert listed["office"]["role"] == "office" and listed["office"]["unit"] is None
    assert listed["admin"]["role"] == "admin"
    for unit in catalog.units:
        assert listed[unit.code] == {"password": listed[unit.code]["password"], "role": "unit", "unit": unit.code}
    assert len(listed) == 2 + len(catalog.units)

    engine = create_engine(fab_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT username, password FROM ab_user")).all())
    engine.dispose()
    assert set(stored) == set(listed)
    for username, hashed in stored.items():
        assert hashed != listed[username]["password"] and listed[username]["password"] not in hashed
        assert hashed.startswith(("scrypt:", "pbkdf2:"))

    accounts.ensure_accounts(fab_env, settings)  # a re-run keeps every password
    assert json.loads(path.read_text(encoding="utf-8")) == listed

    office = _role_permissions(fab_env, "planeval_office")
    admin = _role_permissions(fab_env, "planeval_admin")
    unit = _role_permissions(fab_env, "planeval_unit")
    assert ("can_edit", "HITL Detail") in office and ("can_create", "DAG Runs") in office
    assert ("can_edit", "HITL Detail") not in admin and ("can_read", "HITL Detail") in admin
    assert ("can_edit", "Task Instances") in admin  # clear and re-run
    assert not {perm for perm in unit if perm[1] in {"DAGs", "HITL Detail", "DAG Runs"}}


def test_the_fab_auth_manager_refuses_the_admin_and_accepts_the_office(fab_env):
    """FAB's own checks, in a process configured like the API server: the office may PUT on HITL details
    of the year-end DAG, the admin may not; the approval's assigned_users name the office by username."""
    accounts.ensure_accounts(fab_env, get_settings())
    script = """
import json
from airflow.api_fastapi.app import create_auth_manager
from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails
from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder
manager = create_auth_manager()
result = {}
with get_application_builder() as appbuilder:
    manager.appbuilder = appbuilder
    for name in ("office", "admin", "emergency"):
        user = appbuilder.sm.find_user(username=name)
        result[name] = [
            manager.is_authorized_dag(method="PUT", user=user, access_entity=DagAccessEntity.HITL_DETAIL,
                                      details=DagDetails(id="year_end_assessment")),
            manager.is_authorized_hitl_task(assigned_users={"office"}, user=user),
        ]
print(json.dumps(result))
"""
    done = subprocess.run([sys.executable, "-c", script], env=fab_env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"office": [True, True], "admin": [False, False], "emergency": [False, False]}
