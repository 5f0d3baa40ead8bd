"""``planeval``: the command line over the same functions the DAGs call."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING

from planeval.records import ObligationState, SubmissionStatus
from planeval.safetext import printable
from planeval.settings import api_password, disable_gx_analytics

if TYPE_CHECKING:
    from planeval.catalog import Catalog

# the --campaign option of every command that works on a campaign
CAMPAIGN_HELP = "评估任务代码(默认:当日唯一正在进行的任务,目录只有一个任务时即为该任务;无法确定时须指定)"


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_init(args: argparse.Namespace) -> int:
    from planeval.stages import setup

    units = setup.init_units(args.campaign)
    with_forms = [u for u in units if u["forms"]]
    total = sum(len(u["forms"]) for u in units)
    print(f"已为 {len(units)} 个报送单位建立报送文件夹,为 {len(with_forms)} 个单位生成预填报表 {total} 份:")
    for unit in with_forms:
        for form in unit["forms"]:
            print(f"  {unit['code']}: {form}")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    from planeval.stages import setup

    units = setup.list_units()
    if args.json:
        _print_json(units)
    else:
        for unit in units:
            print(f"{unit['code']:<28} {unit['kind']:<6} {unit['name']:<16} {unit['inbox']}")
    return 0


_HISTORY_STATUS = {
    SubmissionStatus.ACCEPTED: "受理",
    SubmissionStatus.REJECTED: "退回",
    SubmissionStatus.DUPLICATE: "重复提交",
}


def cmd_history(args: argparse.Namespace) -> int:
    from planeval.stages import setup

    rows = setup.unit_history(args.unit)
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print(f"{args.unit}:尚无报送记录")
        return 0
    print(f"{args.unit} 报送记录(共 {len(rows)} 次上传):")
    print("评估任务 | 表单 | 版本 | 文件 | 接收时间(UTC) | 状态 | 错误 | SHA-256 | 被取代/重复于")
    for row in rows:
        later = (row["superseded_by"] and f"被 {row['superseded_by']} 取代") or ""
        same = (row["duplicate_of"] and f"与 {row['duplicate_of']} 相同") or ""
        print(
            " | ".join(
                [
                    row["campaign_code"],
                    row["form"],
                    f"v{row['version']}",
                    printable(row["original_name"]),
                    row["received_at"][:19],
                    _HISTORY_STATUS.get(row["status"], row["status"]),
                    str(row["error_count"]),
                    row["sha256"][:12],
                    later or same or "-",
                ]
            )
        )
    return 0


def cmd_contacts(args: argparse.Namespace) -> int:
    from planeval.stages import context, monitor

    selection = context.select(args.campaign)
    rows = monitor.list_contacts(selection)
    if args.json:
        _print_json(rows)
        return 0
    print(f"已收到 {len({r['unit_code'] for r in rows})} 个单位的联系人(附件7):")
    for row in rows:
        fields = (row["unit_name"], row["category"], row["person"], row["position"], row["phone"])
        print("  " + " | ".join(printable(str(value or "")) for value in fields))  # as the units typed them
    print(f"汇总表:{monitor.write_contacts_list(selection)}")
    return 0


def cmd_monitor(args: argparse.Namespace) -> int:
    from planeval.monitoring.obligations import STATUS_LABELS
    from planeval.records import CampaignSelection
    from planeval.stages import monitor

    result = monitor.monitor_campaign(args.campaign, args.as_of)
    if result["campaign"] is None:
        print(f"{result['as_of']}:没有正在进行的报送任务")
        return 0
    counts = {label: sum(u["status"] == status for u in result["units"]) for status, label in STATUS_LABELS.items()}
    print(f"{result['campaign']} 截至 {result['as_of']}:" + ",".join(f"{k} {v} 个单位" for k, v in counts.items()))
    for unit in result["units"]:
        if unit["status"] != ObligationState.DONE:
            print(f"  {unit['unit_name']}:{unit['label']} {unit['forms']}")
    selection = CampaignSelection.from_xcom(result["selection"])
    print(f"统计表:{monitor.write_monitor_summary(selection, result['as_of'])}")
    reminders = monitor.write_reminders(selection, result["as_of"])
    print(f"催报通知 {len(reminders)} 份,位于 {reminders[0].rsplit('/', 1)[0] if reminders else '-'}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from planeval.stages import collect

    summary = collect.run_collect(args.campaign)
    counts = {status: sum(item["status"] == status for item in summary) for status in _HISTORY_STATUS}
    print(
        f"本次收取 {len(summary)} 份文件:受理 {counts[SubmissionStatus.ACCEPTED]} 份,"
        f"退回 {counts[SubmissionStatus.REJECTED]} 份,重复提交 {counts[SubmissionStatus.DUPLICATE]} 份。"
    )
    for item in summary:
        if item["status"] == SubmissionStatus.REJECTED:
            print(f"  退回 {item['unit_code']}/{printable(item['file'])}:{item['errors']} 处错误(见回执)")
        elif item["status"] == "locked":
            print(f"  已锁定 {item['unit_code']}/{printable(item['file'])}:本期数据已定稿锁定,未入库(见回执)")
    if summary and counts[SubmissionStatus.REJECTED] == len(summary):  # said, not failed: rejecting is the
        print(all_rejected(summary), file=sys.stderr)  # pass doing its work (a cron job must not page for it)
    return 0


def cmd_campaign_reopen(args: argparse.Namespace) -> int:
    from planeval.dates import local_time_text
    from planeval.stages import context, year_end
    from planeval.warehouse.locks import NotLocked

    selection = context.select(args.campaign)
    try:
        ended = year_end.reopen(selection, args.reason, args.by or getpass.getuser())
    except NotLocked as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1
    approved = local_time_text(ended.approved_at, selection.timezone)
    print(f"已重新开放 {selection.campaign}:结束 {ended.lock_id}({approved} {ended.approved_by} 批准定稿)。")
    print("此后上传的文件将重新校验入库;重新运行年终评估并批准后,数据再次锁定。")
    return 0


def all_rejected(summary: list[dict[str, object]]) -> str:
    """Why a pass that rejected every file does not end quietly: the campaign they were checked against may
    be the wrong one. Says which one it was and how to choose another."""
    from planeval.stages.context import settings_and_catalog

    catalog = settings_and_catalog()[1]
    used = "、".join(sorted({str(item["campaign"]) for item in summary}))
    others = "、".join(f"{c.code}({c.name})" for c in catalog.campaigns if c.code != used) or "无"
    return (
        f"本次收取的 {len(summary)} 份文件全部被退回(按评估任务 {used} 校验)。"
        f"若评估任务选错,请用 --campaign 代码 重新指定(其他评估任务:{others});否则请各单位按回执修改后重新报送。"
    )


class PreconditionFailed(Exception):
    """What a command needs is missing; the message (Chinese) says what and how to get it."""


def check_preconditions(campaign_code: str | None = None, year: int | None = None, *, campaign: bool = True) -> None:
    """Before any work (and before Airflow starts): the catalog loads, the campaign (``campaign``: the command
    works on one) exists or can be resolved without guessing, a CJK font is installed for the charts and
    documents."""
    from planeval.catalog import CampaignChoiceError, load_catalog
    from planeval.reporting.charts import NoCjkFont, cjk_font
    from planeval.settings import get_settings

    catalog_dir = get_settings().catalog_dir
    try:
        catalog = load_catalog(catalog_dir)
    except (OSError, ValueError, KeyError) as exc:
        raise PreconditionFailed(f"目录 {catalog_dir} 无法读取(PLANEVAL_CATALOG):{exc}") from None
    try:
        if campaign:
            catalog.campaign(campaign_code or None, year=year)
    except CampaignChoiceError as exc:
        raise PreconditionFailed(f"目录 {catalog_dir}:{exc}") from None
    try:
        cjk_font()
    except NoCjkFont as exc:
        raise PreconditionFailed(str(exc)) from None


def cmd_year_end(args: argparse.Namespace) -> int:
    from planeval.stages import context, year_end

    check_preconditions(args.campaign, args.year)
    try:
        selection = context.select(args.campaign, args.year, plans=args.plan or None, data_cutoff=args.data_cutoff)
    except ValueError as exc:  # a plan the campaign does not assess, a malformed date
        raise PreconditionFailed(str(exc)) from None
    # outside Airflow only the draft: the final report is written after the office's approval in the DAG
    paths = year_end.run_year_end(selection)
    print("评估报告已生成:")
    for path in paths:
        print(f"  {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from planeval.intake.receipts import ANNOTATED_SUFFIX, CHECK_PREFIX
    from planeval.stages import collect, context, setup, year_end
    from planeval.ui import airflow_runner
    from planeval.ui.approval import RunFailed, WaitFailed
    from planeval.ui.demo import drop_demo_submissions, drop_late_correction

    check_preconditions(args.campaign, year=args.year)
    selection = context.select(args.campaign, year=args.year)
    settings, catalog, campaign = context.open_selection(selection)
    setup.init_units(campaign.code)
    dropped = drop_demo_submissions(settings, catalog, campaign)
    checks = sum(Path(p).parent == settings.check_dir(Path(p).parent.parent.name) for p in dropped)
    also = f"(另有预审文件 {checks} 份)" if checks else ""
    print(f"[1/4] 已为 {len(catalog.units)} 个单位建立文件夹,放入演示报送文件 {len(dropped) - checks} 份{also}")
    if args.without_airflow:
        summary = collect.run_collect(campaign.code)
        print(f"[2/4] 收取并校验 {len(summary)} 份文件(未经 Airflow)")
        paths = year_end.run_year_end(selection)
    else:
        log_path = settings.home / "logs" / "demo-airflow.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = airflow_runner.prepare(settings, log_path)
        print(f"[2/4] Airflow 元数据库就绪(SQLite),日志:{log_path}")
        state = airflow_runner.run_dag("collect_submissions", env, log_path, {"campaign": campaign.code})
        print(f"[3/4] collect_submissions 运行结果:{state}")
        if state != "success":
            print(f"collect_submissions 未成功,请查看 {log_path}", file=sys.stderr)
            return 1
        conf = {"campaign": campaign.code, "year": campaign.year, "data_cutoff": campaign.data_cutoff.isoformat()}
        try:
            state, answer = airflow_runner.run_dag_answering_approval(
                "year_end_assessment", env, log_path, conf, approve=True, comment="演示:自动批准"
            )
        except RunFailed as failure:
            print(f"[4/4] year_end_assessment 运行结果:{failure.state}({failure})", file=sys.stderr)
            print(f"详见 {log_path}", file=sys.stderr)
            return 1
        except WaitFailed as failure:
            print(f"[4/4] year_end_assessment 未完成:{failure}", file=sys.stderr)
            print(f"详见 {log_path}", file=sys.stderr)
            return 1
        reviewer = (answer.get("responded_by") or {}).get("name", "")
        print(f"[4/4] year_end_assessment 运行结果:{state}(审核:{reviewer} {'、'.join(answer['chosen_options'])})")
        if state != "success":
            print(f"year_end_assessment 未成功,请查看 {log_path}", file=sys.stderr)
            return 1
        paths = sorted(str(p) for p in (settings.reports_dir / campaign.code).glob("*.*"))
        if drop_late_correction(settings, catalog, campaign):  # the approval locked the figures
            late = collect.run_collect(campaign.code)
            locked = sum(item["status"] == "locked" for item in late)
            print(f"定稿后上传 {len(late)} 份,其中已锁定 {locked} 份:已存档并回执,未入库,数据不变")
    receipts = sorted(settings.drop_dir.glob("*/receipts/*.txt"))
    checked = [receipt for receipt in receipts if receipt.name.startswith(CHECK_PREFIX)]
    print(f"回执 {len(receipts) - len(checked)} 份,位于 {settings.drop_dir}/<单位代码>/receipts/")
    for receipt in checked:
        print(f"预审回执(仅预审,未计入报送、未入库):{receipt}")
    annotated = sorted(settings.drop_dir.glob(f"*/receipts/*{ANNOTATED_SUFFIX}"))
    if annotated:
        print(f"批注文件 {len(annotated)} 份(退回或有提示的表格,问题单元格已标出):")
        for copy in annotated:
            print(f"  {printable(str(copy))}")
    letters = sorted((settings.reports_dir / campaign.code / "反馈函").glob("*.docx"))
    print("评估报告及附件:")
    for path in paths:
        if "反馈函" not in path:
            print(f"  {path}")
    if letters:
        print(f"各单位反馈函 {len(letters)} 份,位于 {letters[0].parent}/")
    return 0 if paths else 1


def cmd_catalog_check(args: argparse.Namespace) -> int:
    """Validate a catalog folder — schema, cross-checks — without a database, Airflow or a file written."""
    from planeval.catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog(args.folder)
    except CatalogError as exc:
        print(f"目录检查未通过:{exc}", file=sys.stderr)
        return 1
    for line in catalog_summary(catalog):
        print(line)
    return 0


def catalog_summary(catalog: Catalog) -> list[str]:
    """What ``planeval catalog check`` reports of a valid catalog, in Chinese."""
    from collections import Counter

    from planeval.catalog import CAMPAIGN_KIND_LABELS, CampaignChoiceError
    from planeval.dates import today_in

    plans = "、".join(
        f"{p.code} {p.short_name}({p.period[0]}–{p.period[1]}年,指标 {len(p.indicator_table.indicators)} 项,"
        f"主要任务 {len(p.tasks)} 项)"
        for p in catalog.plans
    )
    kinds = Counter(i.kind for i in catalog.indicators)
    units = Counter(u.kind for u in catalog.units)
    campaigns = "、".join(f"{c.code}({c.year}年,{CAMPAIGN_KIND_LABELS[c.kind]}:{c.name})" for c in catalog.campaigns)
    day = today_in(catalog.timezone)
    try:
        default = f"{catalog.campaign(day=day).code}"
    except CampaignChoiceError:
        default = "无法确定,各命令须用 --campaign 代码 指定"
    return [
        f"目录 {catalog.root} 检查通过(目录格式版本 {catalog.schema_version})",
        f"  地区:{catalog.city}({catalog.office},简称{catalog.short_office};时区 {catalog.timezone})",
        f"  规划 {len(catalog.plans)} 个" + (f":{plans}" if plans else ""),
        f"  指标 {len(catalog.indicators)} 项"
        + (":" + "、".join(f"{kind} {n} 项" for kind, n in sorted(kinds.items())) if kinds else ""),
        f"  报送单位 {len(catalog.units)} 个:"
        + "、".join(f"{catalog.kind_label(kind)} {units[kind]} 个" for kind in ("department", "town")),
        f"  基础数据 {len(catalog.measures)} 项,重点工程 {len(catalog.projects)} 项,工作要点 {len(catalog.tasks)} 项",
        f"  评估任务 {len(catalog.campaigns)} 个:{campaigns}",
        f"  {day.isoformat()} 未指定评估任务时使用:{default}",
    ]


def cmd_approve(args: argparse.Namespace) -> int:
    """Answer the year-end run's approval through Airflow's REST API, as a reviewer clicking in the UI."""
    import httpx

    from planeval.stages.approval import REJECT, missing_comment
    from planeval.ui.approval import AirflowApi

    if problem := missing_comment([REJECT] if args.reject else [], {"意见": args.comment or ""}):
        print(problem.replace("本次答复未生效,审核任务重新等待答复", "请用 --comment 写明"), file=sys.stderr)
        return 2
    password = api_password() or getpass.getpass(f"{args.user} 的 Airflow 密码:")
    try:
        api = AirflowApi(args.api_url, args.user, password)
        pending = api.parked("year_end_assessment")
        failure = None if pending else api.failure("year_end_assessment")
        latest = None if pending else api.runs("year_end_assessment", limit=1)
    except httpx.HTTPError as exc:
        print(f"无法通过 Airflow API({args.api_url})审核:{exc}", file=sys.stderr)
        return 1
    if not pending:
        print("没有等待审核的年终评估运行。")
        if failure is not None and failure.run_id and failure.state != "success":
            print(f"最近一次运行 {failure.run_id} 已结束:{failure}")
        elif failure is None and latest:
            print(f"最近一次运行 {latest[0]['dag_run_id']} 仍在进行,审核任务尚未就绪,请稍后再试。")
        return 1
    item = pending[0]
    print(f"{item.subject}\n{item.body}")
    answer = api.answer(item, approve=not args.reject, comment=args.comment or "")
    print(f"已{'、'.join(answer['chosen_options'])}(运行 {item.run_id},意见:{args.comment or '无'})")
    return 0


def cmd_province_catalog(args: argparse.Namespace) -> int:
    """A province-sized catalog generated from a city's (benchmarks and the scale test; docs/performance.md)."""
    from pathlib import Path

    from planeval.catalog import load_catalog
    from planeval.settings import DEFAULT_CATALOG
    from planeval.ui.province import write_province_catalog

    folder = write_province_catalog(Path(args.source or DEFAULT_CATALOG), Path(args.folder), args.counties)
    catalog = load_catalog(folder)  # what was written must load: a broken generator fails here, not in a run
    print(f"已生成 {args.counties} 个县、{len(catalog.units)} 个报送单位的目录:{folder}")
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """The local Airflow stack in the background (api-server, scheduler, dag-processor, triggerer)."""
    from planeval.settings import get_settings
    from planeval.ui import stack

    check_preconditions(campaign=False)  # the stack serves every campaign; each run chooses its own
    stack.up(get_settings())
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    from planeval.settings import get_settings
    from planeval.ui import stack

    stack.down(get_settings())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planeval", description="“十四五”规划总结评估:收取、校验、汇总、出报告")
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="建立各单位报送文件夹并生成预填报表(可重复执行)")
    init.add_argument("--campaign", help=CAMPAIGN_HELP)
    init.set_defaults(func=cmd_init)

    units = sub.add_parser("units", help="列出报送单位及其文件夹")
    units.add_argument("--json", action="store_true", help="以 JSON 输出(绝对路径)")
    units.set_defaults(func=cmd_units)

    history = sub.add_parser("history", help="某单位的全部报送记录(版本、校验码、状态,审计用)")
    history.add_argument("unit", help="单位代码,见 planeval units")
    history.add_argument("--json", action="store_true", help="以 JSON 输出")
    history.set_defaults(func=cmd_history)

    contacts = sub.add_parser("contacts", help="列出各单位报送的联系人(附件7)并生成汇总表")
    contacts.add_argument("--campaign", help=CAMPAIGN_HELP)
    contacts.add_argument("--json", action="store_true", help="以 JSON 输出")
    contacts.set_defaults(func=cmd_contacts)

    approve = sub.add_parser("approve", help="审核年终评估报告:批准生成定稿,或退回并写明意见(经 Airflow API)")
    approve.add_argument("--api-url", default="http://127.0.0.1:8080", help="Airflow API 地址")
    approve.add_argument("--user", default="office", help="Airflow 用户名(密码取 PLANEVAL_API_PASSWORD 或提示输入)")
    approve.add_argument("--reject", action="store_true", help="退回(默认批准;须同时写明 --comment)")
    approve.add_argument("--comment", help="审核意见(退回时必填:写明修改要求)")
    approve.set_defaults(func=cmd_approve)

    campaign = sub.add_parser("campaign", help="评估任务的定稿锁定")
    campaign_actions = campaign.add_subparsers(dest="action", required=True)
    reopen = campaign_actions.add_parser("reopen", help="重新开放已定稿锁定的评估任务(须写明原因,记录在案)")
    reopen.add_argument("--campaign", required=True, help="评估任务代码")
    reopen.add_argument("--reason", required=True, help="重新开放的原因")
    reopen.add_argument("--by", help="操作人(默认:当前系统用户)")
    reopen.set_defaults(func=cmd_campaign_reopen)

    monitor = sub.add_parser("monitor", help="报送监测:按时、逾期、仅有退回、未报送;生成统计表与催报通知")
    monitor.add_argument("--campaign", help="评估任务代码(默认:当日唯一正在进行的任务;没有则不监测,多个时须指定)")
    monitor.add_argument("--as-of", help="统计日期,如 2025-06-17(默认:今天,北京时间)")
    monitor.set_defaults(func=cmd_monitor)

    run = sub.add_parser("run", help="运行一个环节")
    stages = run.add_subparsers(dest="stage", required=True)
    collect = stages.add_parser("collect", help="收取、存档、校验全部收件箱中的文件并写回执")
    collect.add_argument("--campaign", help=CAMPAIGN_HELP)
    collect.set_defaults(func=cmd_collect)
    year_end = stages.add_parser("year-end", help="汇总指标并生成评估报告")
    year_end.add_argument("--year", type=int, help="评估年度,如 2025")
    year_end.add_argument("--campaign", help=CAMPAIGN_HELP)
    year_end.add_argument("--plan", action="append", help="只评估某个规划(可重复),默认全部")
    year_end.add_argument("--data-cutoff", help="年度数据截止日期,如 2024-12-31")
    year_end.set_defaults(func=cmd_year_end)

    demo = sub.add_parser("demo", help="演示:建立文件夹、放入演示报送、经 Airflow 收取并生成报告")
    demo.add_argument("--year", type=int, help="评估年度(与 --campaign 同时给出时须一致)")
    demo.add_argument("--campaign", help=CAMPAIGN_HELP)
    demo.add_argument("--without-airflow", action="store_true", help="不经 Airflow,直接调用同样的函数")
    demo.set_defaults(func=cmd_demo)

    catalog = sub.add_parser("catalog", help="目录(catalog/<地区>)的工具")
    catalog_tools = catalog.add_subparsers(dest="tool", required=True)
    check = catalog_tools.add_parser(
        "check", help="检查目录:格式、键名、取值与交叉引用(不连接数据库、不启动 Airflow、不写文件)"
    )
    check.add_argument("folder", help="目录文件夹,如 catalog/haian")
    check.set_defaults(func=cmd_catalog_check)

    province = sub.add_parser("province-catalog", help="由城市目录生成全省规模的测试目录(每县一套部门,用于基准测试)")
    province.add_argument("folder", help="写入的文件夹")
    province.add_argument("--counties", type=int, default=100, help="县的个数(默认 100)")
    province.add_argument("--source", help="作为模板的城市目录(默认 catalog/haian)")
    province.set_defaults(func=cmd_province_catalog)

    up = sub.add_parser("up", help="在后台启动本地 Airflow(界面、调度、DAG 解析、触发器),首次启动放入演示报送")
    up.set_defaults(func=cmd_up)
    down = sub.add_parser("down", help="停止 planeval up 启动的全部进程")
    down.set_defaults(func=cmd_down)
    return parser


def main(argv: list[str] | None = None) -> int:
    disable_gx_analytics()
    args = build_parser().parse_args(argv)
    from planeval.ui.approval import WaitFailed
    from planeval.warehouse.db import WarehouseUnavailable

    try:
        status: int = args.func(args)
        return status
    except PreconditionFailed as exc:
        print(f"无法开始:{exc}", file=sys.stderr)
        return 2
    except (WaitFailed, WarehouseUnavailable) as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1
    except (ValueError, KeyError) as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
