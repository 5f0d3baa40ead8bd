"""Who is looking at the 报送情况 pages, and what they may open.

The api-server mounts plugin apps without any of Airflow's authentication: every endpoint of the board
resolves the user itself from the request's JWT (the ``_token`` cookie the Airflow UI sets at login, or an
``Authorization: Bearer`` header), through Airflow's auth manager, and decides from the user's roles:

- ``planeval_office`` (安委办) and ``planeval_admin`` (管理员) see every unit;
- ``planeval_unit``: a reporting unit whose code is the user name, sees only its own unit.

Path parameters are checked here too: a file is served only from inside the folder it belongs to, never
through a link, never with ``..``.

May import everything below it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, status

from planeval.catalog import Catalog

OFFICE_ROLE = "planeval_office"
ADMIN_ROLE = "planeval_admin"
UNIT_ROLE = "planeval_unit"
TOKEN_COOKIE = "_token"  # airflow.api_fastapi.auth.managers.base_auth_manager.COOKIE_NAME_JWT_TOKEN
LOGIN_URL = "/auth/login/"


class ViewerKind(StrEnum):
    OFFICE = "office"
    ADMIN = "admin"
    UNIT = "unit"


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    unit_code: str | None
    name: str
    office: str = "安委办"  # the catalog's short_office (市安委办, 区安委办), as messages name it

    @property
    def sees_all(self) -> bool:
        return self.kind in (ViewerKind.OFFICE, ViewerKind.ADMIN)

    def may_see(self, unit_code: str) -> bool:
        return self.sees_all or self.unit_code == unit_code


class NotAuthenticated(Exception):
    """No valid login on the request: an HTML page redirects to Airflow's login, anything else answers 401."""


def role_names(user: Any) -> set[str]:
    """The role names of an Airflow user: FAB users have ``.roles`` (objects with ``.name``), a SimpleAuthManager
    user has one ``.role`` string."""
    names: set[str] = set()
    roles: Iterable[Any] = getattr(user, "roles", None) or ()
    for role in roles:
        name = role if isinstance(role, str) else getattr(role, "name", None)
        if isinstance(name, str):
            names.add(name)
    single = getattr(user, "role", None)
    if isinstance(single, str):
        names.add(single)
    return names


def user_name(user: Any) -> str:
    getter = getattr(user, "get_name", None)
    name = getter() if callable(getter) else getattr(user, "username", "")
    return str(name or "")


def viewer_of(user: Any, catalog: Catalog | None = None) -> Viewer | None:
    """What the user may see: office and admin everything, a unit account its own unit (the unit whose code
    is the user name; with ``catalog``, only a unit the catalog has); None for any other user."""
    roles, name = role_names(user), user_name(user)
    office = catalog.short_office if catalog is not None else Viewer.office
    if OFFICE_ROLE in roles:
        return Viewer(ViewerKind.OFFICE, None, name, office)
    if ADMIN_ROLE in roles:
        return Viewer(ViewerKind.ADMIN, None, name, office)
    if UNIT_ROLE in roles and name:
        if catalog is not None and name not in {unit.code for unit in catalog.units}:
            return None
        return Viewer(ViewerKind.UNIT, name, name, office)
    return None


def request_token(request: Request) -> str | None:
    """The JWT of the request: an explicit Bearer header wins over the session cookie, as in Airflow's API."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.cookies.get(TOKEN_COOKIE) or None


async def current_user(request: Request) -> Any:
    """The Airflow user of the request, from its JWT through the configured auth manager (FAB in
    production); NotAuthenticated without a token or with one that is invalid, expired or revoked."""
    token = request_token(request)
    if token is None:
        raise NotAuthenticated("no token")
    from airflow.api_fastapi.app import get_auth_manager
    from jwt import InvalidTokenError

    try:
        return await get_auth_manager().get_user_from_token(token)
    except InvalidTokenError as error:  # ExpiredSignatureError is one
        raise NotAuthenticated(str(error)) from error


def forbidden(detail: str = "无权访问此页面") -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail=detail)


def not_found(detail: str = "未找到该文件") -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=detail)


def require_all(viewer: Viewer) -> None:
    """Pages for the office and the administrators only."""
    if not viewer.sees_all:
        raise forbidden(f"此页面仅限{viewer.office}和管理员访问")


def known_unit(catalog: Catalog, unit_code: str) -> str:
    if unit_code not in {unit.code for unit in catalog.units}:
        raise not_found("未找到该单位")
    return unit_code


def file_inside(folder: Path, relative: str) -> Path:
    """The plain file ``relative`` under ``folder``: no absolute path, no ``..`` or hidden part, no link on the
    way, and its resolved path still inside the resolved folder; 404 otherwise (nothing said about why)."""
    parts = relative.replace("\\", "/").split("/")
    if not relative or relative.startswith("/") or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise not_found()
    if folder.is_symlink() or folder.parent.is_symlink():
        raise not_found()
    base = folder.resolve()
    candidate = folder.joinpath(*parts)
    current = folder
    for part in parts:  # never through a link, wherever it points
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            raise not_found() from None
        if stat.S_ISLNK(info.st_mode):
            raise not_found()
    resolved = candidate.resolve()
    if not resolved.is_relative_to(base) or not stat.S_ISREG(os.lstat(resolved).st_mode):
        raise not_found()
    return resolved


def same_origin(request: Request) -> None:
    """A form posted from another site carries the user's cookie too: an ``Origin`` (or ``Referer``) naming
    another host is refused."""
    from urllib.parse import urlsplit

    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent and urlsplit(sent).netloc != request.headers.get("host", request.url.netloc):
        raise forbidden("请求来源不符,请从报送情况页面上传")
