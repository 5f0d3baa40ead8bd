"""Create or update planeval's roles and users in Airflow's FAB tables; run by ``planeval.ui.accounts`` as
``python -m planeval.ui.fab_sync`` in the Airflow environment of the installation (its metadata DB), with the
wanted roles and users as JSON on stdin. FAB hashes every password; none is stored in clear.

Input: ``{"roles": [{"role": name, "perms": [[action, resource], …]}],
"users": [{"username", "first_name", "last_name", "email", "role", "password"}]}`` — a user's ``password``
is set when the user is created, or reset when given and ``reset`` is true. Output (stdout, one JSON line):
``{"created": [username, …], "ids": {username: id}}``.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def sync_roles(sm: Any, roles: list[dict[str, Any]]) -> None:
    """Each role holds exactly the permissions listed (missing ones added, others removed)."""
    sm.bulk_sync_roles([{"role": r["role"], "perms": [tuple(p) for p in r["perms"]]} for r in roles])
    for config in roles:
        role = sm.find_role(config["role"])
        wanted = {tuple(p) for p in config["perms"]}
        for permission in list(role.permissions):
            if (permission.action.name, permission.resource.name) not in wanted:
                sm.remove_permission_from_role(role, permission)


def sync_users(sm: Any, users: list[dict[str, Any]]) -> dict[str, Any]:
    created: list[str] = []
    ids: dict[str, str] = {}
    for wanted in users:
        role = sm.find_role(wanted["role"])
        user = sm.find_user(username=wanted["username"])
        if user is None:
            user = sm.add_user(
                wanted["username"],
                wanted["first_name"],
                wanted["last_name"],
                wanted["email"],
                role,
                wanted["password"],
            )
            created.append(wanted["username"])
        else:
            if [r.name for r in user.roles] != [role.name]:
                user.roles = [role]
                sm.update_user(user)
            if wanted.get("reset") and wanted.get("password"):
                sm.reset_password(user.id, wanted["password"])
        ids[wanted["username"]] = str(user.id)
    return {"created": created, "ids": ids}


def main() -> None:
    from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder

    spec = json.loads(sys.stdin.read())
    with get_application_builder() as appbuilder:
        sync_roles(appbuilder.sm, spec["roles"])
        result = sync_users(appbuilder.sm, spec["users"])
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
