"""The FAB auth manager as planeval runs it: Airflow's own ``FabAuthManager`` (users, hashed passwords and
roles in the metadata DB), with one change: a human-in-the-loop task's ``assigned_users`` may name a user
by **username** as well as by FAB's numeric id.

FAB identifies a user by ``ab_user.id`` (``user.get_id()`` is ``"1"``, ``"2"``…), which differs between
installations and changes when a user is re-created; the catalog names the approvers by username
(``approvers: [office]`` in catalog.yaml). Airflow's default check (``user.get_id() in assigned_users``)
would then let nobody answer. Imports only Airflow: the API server loads it at start.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.fab.auth_manager.fab_auth_manager import FabAuthManager


class PlanevalFabAuthManager(FabAuthManager):
    """``FabAuthManager`` whose HITL assignment check also accepts the username."""

    def is_authorized_hitl_task(self, *, assigned_users: set[str], user: Any) -> bool:
        if str(user.get_id()) in assigned_users:
            return True
        return bool(getattr(user, "username", None)) and user.username in assigned_users
