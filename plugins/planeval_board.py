"""Airflow plugin: the 报送情况 and 年终评估文件 pages (planeval.ui.board) mounted by the api-server at
/planeval, with two entries in the Airflow UI's navigation.

Every Airflow process loads plugins (scheduler, workers, DAG processor): this file imports nothing of planeval
or FastAPI; the app is imported on its first request, inside the api-server only.
"""

from __future__ import annotations

from typing import Any, ClassVar

from airflow.plugins_manager import AirflowPlugin


class LazyBoardApp:
    """An ASGI app that imports planeval.ui.board on its first request and hands every request to it."""

    def __init__(self) -> None:
        self._app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self._app is None:
            from planeval.ui.board import app

            self._app = app
        await self._app(scope, receive, send)


class PlanevalBoardPlugin(AirflowPlugin):
    name = "planeval_board"
    fastapi_apps: ClassVar[list[dict[str, Any]]] = [
        {"app": LazyBoardApp(), "url_prefix": "/planeval", "name": "planeval 报送情况"}
    ]
    external_views: ClassVar[list[dict[str, Any]]] = [
        {
            "name": "报送情况",
            "href": "/planeval/board",
            "url_route": "planeval-board",
            "destination": "nav",
            "category": "规划评估",
        },
        {
            "name": "年终评估文件",
            "href": "/planeval/reports",
            "url_route": "planeval-reports",
            "destination": "nav",
            "category": "规划评估",
        },
    ]
