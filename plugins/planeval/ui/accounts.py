"""Who may use planeval's Airflow: the FAB auth manager, three roles and their users.

Roles (FAB role names are ASCII; docs/approval.md describes them in Chinese):

- ``planeval_office`` 安委办: reads everything, triggers DAG runs, answers the approval (HITL).
- ``planeval_admin`` 管理员: reads everything (monitor, logs, audit), clears and re-runs tasks and runs — but
  cannot answer the approval (no ``can_edit`` on ``HITL Detail``).
- ``planeval_unit`` a reporting unit: its own profile and password only; it works in planeval's board pages.

Users come from the catalog's ``roster.yaml`` when it has one (production: no passwords in any file of the
repository; a new user's random password is printed once). Without a roster (the demo) they are ``office``,
``admin`` and one user per reporting unit named by its code, with generated passwords kept in
``$PLANEVAL_HOME/ui-accounts.json`` (mode 600) and reused on every run. FAB hashes every password.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from planeval.catalog import Catalog, load_catalog
from planeval.settings import Settings

AUTH_MANAGER = "planeval.ui.fab_auth.PlanevalFabAuthManager"
ACCOUNTS_FILE = "ui-accounts.json"
ROSTER_FILE = "roster.yaml"

ROLE_NAMES = {"office": "planeval_office", "admin": "planeval_admin", "unit": "planeval_unit"}
HITL_DETAIL = "HITL Detail"  # FAB resource of a human-in-the-loop task's question and answer

Permission = tuple[str, str]  # (FAB action, FAB resource)

_OWN_PROFILE: list[Permission] = [
    ("can_read", "Website"),
    ("can_read", "My Profile"),
    ("can_edit", "My Profile"),
    ("can_read", "My Password"),
    ("can_edit", "My Password"),
]
_READ = ["DAGs", "DAG Dependencies", "DAG Code", "DAG Runs", "DAG Versions", "DAG Warnings", "Assets"]
_READ += ["Asset Aliases", "Backfills", "Cluster Activity", "Pools", "ImportError", "Jobs", "Task Instances"]
_READ += ["Task Logs", "XComs", HITL_DETAIL, "Audit Logs"]
_MENUS = ["Browse", "DAGs", "DAG Dependencies", "DAG Runs", "Assets", "Cluster Activity", "Jobs"]
_MENUS += ["Task Instances", HITL_DETAIL, "Docs", "Documentation", "Audit Logs"]
_READ_ALL: list[Permission] = (
    _OWN_PROFILE + [("can_read", name) for name in _READ] + [("menu_access", name) for name in _MENUS]
)

ROLE_PERMISSIONS: dict[str, list[Permission]] = {
    # trigger a run (a run is a DAG edit plus a DAG Run creation), answer the approval
    "office": [
        *_READ_ALL,
        ("can_edit", "DAGs"),
        ("can_create", "DAG Runs"),
        ("can_edit", "DAG Runs"),
        ("can_edit", HITL_DETAIL),
    ],
    # operate: trigger, clear and re-run, mark states, pools; never can_edit on HITL Detail
    "admin": _READ_ALL
    + [("can_edit", "DAGs"), ("can_create", "DAG Runs"), ("can_edit", "DAG Runs"), ("can_delete", "DAG Runs")]
    + [("can_create", "Task Instances"), ("can_edit", "Task Instances"), ("can_delete", "Task Instances")]
    + [("can_read", name) for name in ("All Audit Logs", "All Import Errors", "Configurations", "Plugins")]
    + [("can_read", name) for name in ("Providers", "Triggers", "Task Reschedules")]
    + [("menu_access", name) for name in ("Admin", "Pools", "Plugins", "Providers", "Triggers")]
    + [("can_edit", "Pools")],
    "unit": list(_OWN_PROFILE),
}


@dataclass(frozen=True)
class Account:
    username: str
    role: str  # office | admin | unit
    unit: str | None = None
    name: str = ""


class RosterError(ValueError):
    """roster.yaml is malformed; the message (Chinese) names the entry."""


def auth_environment(settings: Settings) -> dict[str, str]:
    """Airflow's environment for this installation with the FAB auth manager. ``airflow db migrate`` then
    also creates FAB's own tables (``ab_user``, ``ab_role`` …): no separate ``airflow fab-db migrate``."""
    from planeval.ui.airflow_runner import airflow_environment

    env = airflow_environment(settings)
    env["AIRFLOW__CORE__AUTH_MANAGER"] = AUTH_MANAGER
    return env


def roster_of(catalog: Catalog) -> list[Account] | None:
    """The catalog's roster (``roster.yaml``: a list of username, name, role, unit), or None without one."""
    path = catalog.root / ROSTER_FILE
    if not path.exists():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise RosterError(f"{path}: 需要用户列表(username、name、role、unit)")
    units = {unit.code for unit in catalog.units}
    accounts = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not entry.get("username") or entry.get("role") not in ROLE_NAMES:
            raise RosterError(f"{path} 第 {number} 项:需要 username 与 role(office、admin 或 unit)")
        unit = entry.get("unit")
        if entry["role"] == "unit" and unit not in units:
            raise RosterError(f"{path} 第 {number} 项:单位代码 {unit!r} 不在目录 units.yaml 中")
        accounts.append(Account(str(entry["username"]), entry["role"], unit, str(entry.get("name") or "")))
    return accounts


def demo_accounts(catalog: Catalog) -> list[Account]:
    """``office``, ``admin`` and one account per reporting unit, named by its code."""
    accounts = [Account("office", "office", None, catalog.short_office), Account("admin", "admin", None, "管理员")]
    return accounts + [Account(unit.code, "unit", unit.code, unit.name) for unit in catalog.units]


def ensure_accounts(env: dict[str, str], settings: Settings) -> Path:
    """Create or update the roles and users in the metadata DB of ``env`` (FAB hashes the passwords) and
    write ``$PLANEVAL_HOME/ui-accounts.json`` (mode 600); passwords already in that file are kept."""
    catalog = load_catalog(settings.catalog_dir)
    roster = roster_of(catalog)
    accounts = roster if roster is not None else demo_accounts(catalog)
    path = settings.home / ACCOUNTS_FILE
    known = _read_accounts(path)
    passwords: dict[str, str] = {}
    for account in accounts:
        passwords[account.username] = str(known.get(account.username, {}).get("password") or "")
    fresh = {name for name, password in passwords.items() if not password}
    passwords.update({name: secrets.token_urlsafe(12) for name in fresh})
    result = _sync(env, accounts, passwords, reset=set() if roster is not None else fresh)
    if roster is not None:  # production: a new user's password is shown once and stored nowhere
        for username in result["created"]:
            print(f"已创建用户 {username},初始密码:{passwords[username]}(请登录后修改)", file=sys.stderr)
    stored = {a.username: (passwords[a.username] if roster is None else None) for a in accounts}
    _write_accounts(path, accounts, stored)
    return path


def _read_accounts(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    known: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return known


def _write_accounts(path: Path, accounts: list[Account], passwords: dict[str, str | None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {a.username: {"password": passwords[a.username], "role": a.role, "unit": a.unit} for a in accounts}
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _sync(env: dict[str, str], accounts: list[Account], passwords: dict[str, str], reset: set[str]) -> Any:
    """Run ``planeval.ui.fab_sync`` in the Airflow environment: one process, one FAB session."""
    spec = {
        "roles": [{"role": ROLE_NAMES[key], "perms": perms} for key, perms in ROLE_PERMISSIONS.items()],
        "users": [
            {
                "username": a.username,
                "first_name": a.name or a.username,
                "last_name": "",
                "email": f"{a.username}@planeval.invalid",
                "role": ROLE_NAMES[a.role],
                "password": passwords[a.username],
                "reset": a.username in reset,
            }
            for a in accounts
        ],
    }
    plugins = str(Path(__file__).resolve().parents[2])
    python_path = ":".join(filter(None, [plugins, env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "planeval.ui.fab_sync"],
        input=json.dumps(spec, ensure_ascii=False),
        env={**env, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"创建 Airflow 用户失败(退出码 {done.returncode}):{done.stderr[-2000:]}")
    return json.loads(lines[-1])
