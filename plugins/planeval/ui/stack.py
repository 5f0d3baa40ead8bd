"""``planeval up`` / ``planeval down``: a long-running local Airflow on the embedded default, without docker.

``up`` starts ``airflow api-server``, ``scheduler``, ``dag-processor`` and ``triggerer`` (and a ``celery worker``
when the executor is the CeleryExecutor) as background processes, each the leader of its own session, with
its PID in ``$PLANEVAL_HOME/stack/<name>.pid`` and its output in ``$PLANEVAL_HOME/stack/<name>.log``. ``down``
stops exactly those sessions. On SQLite the executor is the LocalExecutor (Airflow 3 has no SequentialExecutor
and does not refuse SQLite with it: tasks reach the metadata DB only through the api-server's execution API,
and Airflow runs SQLite in WAL mode); parallelism is kept small and the warehouse pool has one slot.

The api-server starts first and must answer its health check before the scheduler can queue a task, so no
task ever starts against an api-server that is not up yet.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planeval.catalog import CampaignChoiceError
from planeval.settings import WAREHOUSE_POOL, Settings, ui_port
from planeval.ui.accounts import auth_environment, ensure_accounts
from planeval.ui.airflow_runner import airflow_environment
from planeval.ui.approval import WaitFailed

ACCOUNTS_FILE = "ui-accounts.json"
STARTUP_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0


class StackFailed(WaitFailed):
    """A process of the stack did not start or did not become healthy; the message says which and where."""


@dataclass(frozen=True)
class Component:
    name: str  # file names under stack/ and the key in /api/v2/monitor/health (dashes as underscores)
    args: tuple[str, ...]
    health_key: str | None = None


API_SERVER = Component("api-server", ("api-server",))
BACKGROUND = (
    Component("scheduler", ("scheduler",), "scheduler"),
    Component("dag-processor", ("dag-processor",), "dag_processor"),
    Component("triggerer", ("triggerer",), "triggerer"),
)
CELERY_WORKER = Component("celery-worker", ("celery", "worker"))


def stack_dir(settings: Settings) -> Path:
    return settings.home / "stack"


def base_url() -> str:
    return f"http://localhost:{ui_port()}"


def components(env: dict[str, str]) -> tuple[Component, ...]:
    """What runs: the api-server first, then the others; a Celery worker when the executor is Celery."""
    parts: tuple[Component, ...] = (API_SERVER, *BACKGROUND)
    if "celery" in env.get("AIRFLOW__CORE__EXECUTOR", "").lower():
        parts += (CELERY_WORKER,)
    return parts


def stack_environment(settings: Settings) -> dict[str, str]:
    """airflow_environment plus what a long-running stack shares: one JWT secret kept in the home (sessions
    survive a restart), the API's URL (the execution API is at ``<base_url>/execution/``), the catalog's time
    zone and the auth manager with its accounts. Airflow 3 has no server-side UI time zone any more
    (``[webserver] default_ui_timezone`` was removed; the UI starts in the browser's zone and each user can
    change it); ``[core] default_timezone`` is what schedules, naive dates and the FAB pages use."""
    from planeval.catalog import load_catalog

    env = airflow_environment(settings)
    port = ui_port()
    env.update(
        {
            "AIRFLOW__API__BASE_URL": base_url(),
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API_AUTH__JWT_SECRET": _jwt_secret(settings),
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": load_catalog(settings.catalog_dir).timezone,
        }
    )
    env.setdefault("AIRFLOW__API__HOST", "127.0.0.1")  # this machine only; 0.0.0.0 to open it to the network
    env.setdefault("AIRFLOW__API__WORKERS", "1")
    env.setdefault("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    if env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite"):
        env.setdefault("AIRFLOW__CORE__PARALLELISM", "4")  # one writer: few task processes at a time
    env.update(auth_environment(settings))
    return env


def _jwt_secret(settings: Settings) -> str:
    path = stack_dir(settings) / "jwt_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _airflow_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("airflow")), *args]


def _run(args: Iterable[str], env: dict[str, str], log_path: Path) -> int:
    args = list(args)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(args)}\n")
        log.flush()
        done = subprocess.run(_airflow_command(*args), env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    return done.returncode


def prepare_stack(settings: Settings, env: dict[str, str], log_path: Path) -> Path:
    """Migrate the metadata DB when it is behind, set the warehouse pool, create the accounts (after the
    migration: FAB keeps its users there), seed the demo inbox on the first start. Returns the accounts file."""
    if _run(("db", "check-migrations", "-t", "0"), env, log_path) != 0:
        print("正在初始化/升级 Airflow 元数据库……")
        if _run(("db", "migrate"), env, log_path) != 0:
            raise StackFailed(f"airflow db migrate 失败,见 {log_path}")
    slots = "1" if settings.db_url.startswith("sqlite") else "4"
    if _run(("pools", "set", WAREHOUSE_POOL, slots, "planeval warehouse writes"), env, log_path) != 0:
        raise StackFailed(f"无法建立资源池 {WAREHOUSE_POOL},见 {log_path}")
    accounts = ensure_accounts(env, settings)
    seeded = stack_dir(settings) / "demo-seeded"
    if not seeded.exists():
        try:
            count = seed_demo(settings)
        except CampaignChoiceError as exc:  # several campaigns and none to take without guessing: no demo files
            print(f"首次启动:未放入演示报送({exc})")
            return accounts
        seeded.write_text(f"{count}\n", encoding="utf-8")
        print(f"首次启动:已建立各单位文件夹,并放入演示报送文件 {count} 份")
    return accounts


def seed_demo(settings: Settings) -> int:
    """The demo's files in the inboxes of the campaign ``Catalog.campaign`` resolves (the one open today, or the
    catalog's only one), so the first runs have data; CampaignChoiceError when that would be a guess."""
    from planeval.stages import context, setup
    from planeval.ui.demo import drop_demo_submissions

    _, catalog, campaign = context.open_selection(None)
    setup.init_units(campaign.code)
    return len(drop_demo_submissions(settings, catalog, campaign))


def _pid_file(folder: Path, component: Component) -> Path:
    return folder / f"{component.name}.pid"


def _start(component: Component, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    log_path = folder / f"{component.name}.log"
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ airflow {' '.join(component.args)}  ({time.strftime('%Y-%m-%d %H:%M:%S')})\n")
        log.flush()
        process = subprocess.Popen(
            _airflow_command(*component.args),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session and process group: down stops all it spawned
        )
    _pid_file(folder, component).write_text(f"{process.pid} {_start_time(process.pid)}\n", encoding="utf-8")
    return process


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); empty without procfs."""
    try:
        return _proc_stat(Path(f"/proc/{pid}"))[19]
    except (OSError, IndexError):
        return ""


def _reap(pid: int) -> None:
    """Collect a stack process this very process started (tests run up and down in one process)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _is_ours(pid: int, started: str) -> bool:
    """The PID is alive and is still the process ``up`` started: same start time (``/proc/<pid>/stat``), so a
    later process that reused the number is never signalled. (Its environment cannot tell: Airflow's
    process titles overwrite it.)"""
    _reap(pid)
    if not Path("/proc/self").exists():  # no procfs (macOS): trust the PID file
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        stat = _proc_stat(Path(f"/proc/{pid}"))
    except (OSError, IndexError):
        return False
    return stat[0] != "Z" and stat[19] == started


def _proc_stat(proc: Path) -> list[str]:
    """state, ppid, pgrp, session, … of /proc/<pid>/stat (after the command name in parentheses)."""
    return (proc / "stat").read_text().rsplit(")", 1)[1].split()


def _session_members(session: int) -> list[int]:
    """Every live process of the session ``session`` (the stack process and all it spawned, whatever their
    process group: Airflow puts each task in a group of its own)."""
    if not Path("/proc/self").exists():
        try:
            os.killpg(session, 0)
        except OSError:
            return []
        return [session]
    members = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            state, _, _, sid = _proc_stat(proc)[:4]
        except (OSError, IndexError):
            continue
        if int(sid) == session and state != "Z":
            members.append(int(proc.name))
    return members


def running(settings: Settings) -> dict[str, int]:
    """The stack's components alive now, by name, from their PID files."""
    alive: dict[str, int] = {}
    for pid_file in sorted(stack_dir(settings).glob("*.pid")):
        try:
            pid_text, started = [*pid_file.read_text().split(), ""][:2]
            pid = int(pid_text)
        except ValueError:
            continue
        if _is_ours(pid, started):
            alive[pid_file.stem] = pid
    return alive


def _signal_session(session: int, signum: int) -> None:
    for pid in _session_members(session) or [session]:
        try:
            os.kill(pid, signum)
        except OSError:
            pass


def stop(settings: Settings, processes: dict[str, int]) -> None:
    """SIGTERM to every process of each session (warm shutdown), SIGKILL to what is left after the timeout;
    the PID files are removed."""
    for pid in processes.values():
        _signal_session(pid, signal.SIGTERM)
    if not _wait_gone(processes.values(), STOP_TIMEOUT):
        left = sorted(p for pid in processes.values() for p in _session_members(pid))
        print(f"{STOP_TIMEOUT:.0f} 秒后仍未退出,强制结束:{', '.join(_describe(p) for p in left)}")
        for pid in processes.values():
            _signal_session(pid, signal.SIGKILL)
        _wait_gone(processes.values(), STOP_TIMEOUT)
    for name in processes:
        (stack_dir(settings) / f"{name}.pid").unlink(missing_ok=True)


def _wait_gone(sessions: Iterable[int], timeout: float) -> bool:
    sessions = list(sessions)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in sessions:
            _reap(pid)
        if not any(_session_members(pid) for pid in sessions):
            return True
        time.sleep(0.5)
    return False


def _describe(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        command = "?"
    return f"{pid} {command.strip()[:60]}"


def health(url: str) -> dict[str, Any] | None:
    """Airflow 3's /api/v2/monitor/health (no login needed), or None while it does not answer."""
    import httpx

    try:
        response = httpx.get(f"{url}/api/v2/monitor/health", timeout=5)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    payload: dict[str, Any] = response.json()
    return payload


def _healthy(payload: dict[str, Any] | None, keys: Iterable[str]) -> bool:
    return payload is not None and all((payload.get(k) or {}).get("status") == "healthy" for k in keys)


def _wait_healthy(
    url: str, keys: tuple[str, ...], started: dict[str, subprocess.Popen[bytes]], folder: Path
) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    payload: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        for name, process in started.items():
            if process.poll() is not None:
                raise StackFailed(f"airflow {name} 启动后退出(退出码 {process.returncode}),见 {folder / name}.log")
        payload = health(url)
        if _healthy(payload, keys):
            return payload or {}
        time.sleep(1)
    raise StackFailed(f"{STARTUP_TIMEOUT:.0f} 秒内 {url} 未报告正常:{payload},日志见 {folder}/")


def _wait_dags(env: dict[str, str], started: dict[str, subprocess.Popen[bytes]], folder: Path) -> None:
    """Until the dag-processor has put every DAG of the DAGs folder (one per file, named as the file) in the
    metadata database: a stack that says it is up can be triggered at once."""
    from sqlalchemy import create_engine, text

    expected = {path.stem for path in Path(env["AIRFLOW__CORE__DAGS_FOLDER"]).glob("*.py")}
    engine = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    deadline = time.monotonic() + STARTUP_TIMEOUT
    known: set[str] = set()
    try:
        while time.monotonic() < deadline:
            for name, process in started.items():
                if process.poll() is not None:
                    raise StackFailed(f"airflow {name} 启动后退出(退出码 {process.returncode}),见 {folder / name}.log")
            with engine.connect() as connection:
                known = {row[0] for row in connection.execute(text("SELECT dag_id FROM serialized_dag"))}
            if expected <= known:
                return
            time.sleep(1)
    finally:
        engine.dispose()
    missing = "、".join(sorted(expected - known))
    raise StackFailed(f"{STARTUP_TIMEOUT:.0f} 秒内 DAG 未全部载入({missing}),见 {folder / 'dag-processor'}.log")


def up(settings: Settings) -> None:
    """Start the stack, or say it already runs. Prints the UI's URL and the accounts file."""
    env = stack_environment(settings)
    folder = stack_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    parts = components(env)
    url = base_url()
    alive = running(settings)
    if alive and set(alive) >= {c.name for c in parts}:
        print(f"planeval 服务已在运行:{url}(进程 {', '.join(f'{n} {p}' for n, p in alive.items())})")
        return
    if alive:
        print(f"上次启动的服务只有部分在运行({', '.join(alive)}),先停止再重新启动")
        stop(settings, alive)
    if health(url) is not None:
        raise StackFailed(f"端口 {ui_port()} 已有其他 Airflow 在运行({url});请先停止它,或设置 PLANEVAL_UI_PORT")
    accounts = prepare_stack(settings, env, folder / "setup.log")
    started: dict[str, subprocess.Popen[bytes]] = {}
    try:
        started[API_SERVER.name] = _start(API_SERVER, env, folder)
        _wait_healthy(url, ("metadatabase",), started, folder)
        for component in parts[1:]:
            started[component.name] = _start(component, env, folder)
        keys = tuple(c.health_key for c in parts if c.health_key)
        report = _wait_healthy(url, ("metadatabase", *keys), started, folder)
        _wait_dags(env, started, folder)
    except BaseException:
        stop(settings, {name: process.pid for name, process in started.items()})
        raise
    print(f"planeval 服务已启动({env['AIRFLOW__CORE__EXECUTOR']}):")
    for name, process in started.items():
        print(f"  {name:<14} PID {process.pid:<8} 日志 {folder / name}.log")
    print("健康检查:" + ",".join(f"{key} {value.get('status')}" for key, value in report.items()))
    print(f"Airflow 界面:{url}")
    print(f"登录账号及密码:{accounts}")
    print("停止:make down(或 planeval down)")


def down(settings: Settings) -> None:
    """Stop exactly the processes ``up`` started (their sessions); nothing to do when none runs."""
    alive = running(settings)
    for stale in stack_dir(settings).glob("*.pid"):
        if stale.stem not in alive:
            stale.unlink()
    if not alive:
        print("planeval 服务未在运行")
        return
    stop(settings, alive)
    print(f"planeval 服务已停止:{', '.join(f'{name} {pid}' for name, pid in alive.items())}")
