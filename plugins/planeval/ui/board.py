"""The 报送情况 and 年终评估文件 pages, a FastAPI app the Airflow api-server mounts at ``/planeval``
(``plugins/planeval_board.py``). Pages are Jinja2 templates in ``templates/board/``.

Every endpoint resolves the logged-in user (``board_access.current_user``) and what the user may see
(``board_access.viewer_of``); the office and the administrators see every unit, a unit account only its own.

May import everything below it.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from planeval.catalog import Campaign, Catalog, load_catalog
from planeval.dates import today_in
from planeval.intake.receipts import check_receipt_name
from planeval.settings import TEMPLATES_DIR, Settings, get_settings
from planeval.ui import board_access as access
from planeval.ui import board_data as data
from planeval.ui.board_access import Viewer
from planeval.ui.board_upload import store_upload
from planeval.warehouse.db import make_engine

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
templates = Jinja2Templates(directory=TEMPLATES_DIR / "board")


@functools.lru_cache(maxsize=8)
def _catalog(path: Path) -> Catalog:
    return load_catalog(path)


@functools.lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    from planeval.warehouse.migrate import ensure_schema

    engine = make_engine(url)
    ensure_schema(engine)
    return engine


def settings_and_catalog() -> tuple[Settings, Catalog]:
    settings = get_settings()
    return settings, _catalog(settings.catalog_dir)


async def viewer(user: Annotated[Any, Depends(access.current_user)]) -> Viewer:
    """The dependency every endpoint takes: the user's view, 403 for a user without a planeval role."""
    catalog = settings_and_catalog()[1]
    found = access.viewer_of(user, catalog)
    if found is None:
        raise access.forbidden(f"您的账号没有访问报送情况的权限,请联系{catalog.short_office}")
    return found


ViewerDep = Annotated[Viewer, Depends(viewer)]


def campaign_of(catalog: Catalog, code: str | None) -> Campaign:
    if not code:
        return data.default_campaign(catalog)
    for campaign in catalog.campaigns:
        if campaign.code == code:
            return campaign
    raise access.not_found("未找到该评估任务")


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


async def _not_authenticated(request: Request, _: Exception) -> Response:
    if _wants_html(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{access.LOGIN_URL}?next={quote(target)}", status_code=303)
    return JSONResponse({"detail": "未登录或登录已过期,请重新登录"}, status_code=401)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if _wants_html(request) and error.status_code in (403, 404):
        context = {"status": error.status_code, "detail": error.detail, "base": request.scope.get("root_path", "")}
        return templates.TemplateResponse(request, "error.html", context, status_code=error.status_code)
    return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)


def create_app() -> FastAPI:
    app = FastAPI(title="planeval 报送情况", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_exception_handler(access.NotAuthenticated, _not_authenticated)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_api_route("/board", board_page, methods=["GET"])
    app.add_api_route("/board.json", board_json, methods=["GET"])
    app.add_api_route("/reports", reports_page, methods=["GET"])
    app.add_api_route("/reports/{campaign}/{file_path:path}", report_file, methods=["GET"])
    app.add_api_route("/receipts/{unit}/{name}", receipt_file, methods=["GET"])
    app.add_api_route("/reminders/{campaign}/{unit}", reminder_file, methods=["GET"])
    app.add_api_route("/summary/{campaign}.xlsx", summary_file, methods=["GET"])
    app.add_api_route("/upload", upload, methods=["POST"])
    return app


def _board(viewer: Viewer, campaign_code: str | None) -> tuple[data.Board, Catalog]:
    settings, catalog = settings_and_catalog()
    campaign = campaign_of(catalog, campaign_code)
    units = None if viewer.sees_all else {viewer.unit_code or ""}
    return data.build_board(settings, catalog, campaign, _engine(settings.db_url), units), catalog


def board_page(
    request: Request,
    viewer: ViewerDep,
    campaign: Annotated[str | None, Query()] = None,
    uploaded: str | None = None,
    check: bool = False,
) -> Response:
    """报送情况: the completeness figures (office, admin) and one row per unit with its state and files."""
    board, catalog = _board(viewer, campaign)
    context = {
        "base": request.scope.get("root_path", ""),
        "viewer": viewer,
        "board": board,
        "campaigns": sorted(catalog.campaigns, key=lambda c: (c.year, c.data_cutoff), reverse=True),
        "city": catalog.city,
        "uploaded": uploaded,
        "check_receipt": f"{check_receipt_name(uploaded)}.txt" if uploaded and check else None,
    }
    return templates.TemplateResponse(request, "board.html", context)


def board_json(viewer: ViewerDep, campaign: Annotated[str | None, Query()] = None) -> dict[str, Any]:
    board, _ = _board(viewer, campaign)
    rows = [
        {key: getattr(row, key) for key in row.__dataclass_fields__} | {"state": row.state.value} for row in board.rows
    ]
    counts = board.counts if viewer.sees_all else None
    return {"campaign": board.campaign.code, "as_of": board.as_of.isoformat(), "counts": counts, "units": rows}


def reports_page(request: Request, viewer: ViewerDep) -> Response:
    """年终评估文件: every campaign's draft and final documents, annexes and letters (office and admin)."""
    access.require_all(viewer)
    settings, catalog = settings_and_catalog()
    context = {
        "base": request.scope.get("root_path", ""),
        "viewer": viewer,
        "folders": data.report_folders(settings, catalog),
    }
    return templates.TemplateResponse(request, "reports.html", context)


def _download(path: Path) -> FileResponse:
    return FileResponse(path, filename=path.name)


def report_file(viewer: ViewerDep, campaign: str, file_path: str) -> FileResponse:
    access.require_all(viewer)
    settings, catalog = settings_and_catalog()
    code = campaign_of(catalog, campaign).code
    return _download(access.file_inside(settings.reports_dir / code, file_path))


def receipt_file(viewer: ViewerDep, unit: str, name: str) -> FileResponse:
    """A receipt (or an annotated workbook) from the unit's receipts folder: the unit itself, office, admin."""
    settings, catalog = settings_and_catalog()
    access.known_unit(catalog, unit)
    if not viewer.may_see(unit):
        raise access.forbidden("只能查看本单位的回执")
    return _download(access.file_inside(settings.receipts(unit), name))


def reminder_file(viewer: ViewerDep, campaign: str, unit: str) -> FileResponse:
    """The unit's latest 催报通知 of the campaign (docx)."""
    settings, catalog = settings_and_catalog()
    access.known_unit(catalog, unit)
    if not viewer.may_see(unit):
        raise access.forbidden("只能查看本单位的催报通知")
    chosen = campaign_of(catalog, campaign)
    found = data.latest_reminder(settings, catalog, chosen, unit)
    if found is None:
        raise access.not_found("暂无该单位的催报通知")
    folder = settings.reports_dir / chosen.code / "reminders"
    return _download(access.file_inside(folder, found.name))


def summary_file(viewer: ViewerDep, campaign: str) -> Response:
    """报送情况统计 of the campaign as of today, written on request (office and admin)."""
    access.require_all(viewer)
    settings, catalog = settings_and_catalog()
    chosen = campaign_of(catalog, campaign)
    from planeval.reporting.workbooks import write_summary_xlsx
    from planeval.stages.context import selection_of
    from planeval.stages.monitor import list_contacts
    from planeval.warehouse.db import fetch_all
    from planeval.warehouse.quality import data_quality
    from planeval.warehouse.queries import explained_anomalies, figure_notes

    engine = _engine(settings.db_url)
    day = today_in(catalog.timezone)
    submissions = fetch_all(engine, "select_submissions", campaign_code=chosen.code)
    statuses = data.live_statuses(catalog, chosen, submissions, day)
    contacts = list_contacts(selection_of(chosen, catalog)) if chosen.due("contacts") else None
    name = f"报送情况统计_{day.isoformat()}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        notes, explained = figure_notes(engine, chosen.code), explained_anomalies(engine, chosen.code)
        quality = data_quality(engine, chosen.code, day, catalog.timezone)
        path = write_summary_xlsx(
            Path(folder) / name, catalog, chosen, day, statuses, contacts, notes, quality, explained
        )
        content = path.read_bytes()
    disposition = f"attachment; filename*=utf-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


async def upload(
    request: Request,
    viewer: ViewerDep,
    file: Annotated[UploadFile, File()],
    check: Annotated[bool, Form()] = False,
) -> Response:
    """A unit's file into its own inbox, picked up by the next collection pass like a copied file; ticked
    仅预审 (``check``), into its ``check/`` folder: validated and answered with a 预审回执, never recorded."""
    if viewer.unit_code is None:
        raise access.forbidden("仅报送单位账号可以上传文件")
    access.same_origin(request)
    settings, _ = settings_and_catalog()
    name, source = file.filename or "", file.file
    stored = await run_in_threadpool(store_upload, settings, viewer.unit_code, name, source, check)
    if "text/html" in request.headers.get("accept", ""):
        base = request.scope.get("root_path", "")
        checked = "&check=1" if check else ""
        return RedirectResponse(f"{base}/board?uploaded={quote(stored)}{checked}", status_code=303)
    detail = "已上传,仅作预审:系统校验后将生成预审回执,不计入报送" if check else "已上传,系统收取并校验后将生成回执"
    return JSONResponse({"file": stored, "check": check, "detail": detail}, status_code=201)


app = create_app()
