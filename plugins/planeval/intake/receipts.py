"""Receipts (回执): what a unit reads about each upload, as JSON and as readable Chinese text, the latest per
file name and every version under ``receipts/history/``. Every piece of outside text in the ``.txt`` (the
file name, sheet names, messages quoting a cell) is shown through ``safetext.printable``: one line each, so a
line break in a name cannot forge a 处理结果 line and no terminal escape reaches the file.

May import: planeval.records, planeval.settings, planeval.files, planeval.safetext."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

from planeval.files import write_text_atomically
from planeval.records import Issue, Received, Verdict
from planeval.safetext import printable, safe_file_name
from planeval.settings import Settings

_STATUS_LABEL = {
    "accepted": "已受理(通过校验)",
    "rejected": "退回(未通过校验)",
    "duplicate": "重复提交(与已收到的文件完全相同,未重复入库)",
}


def write_receipt(settings: Settings, received: Received, verdict: Verdict, unit_name: str, version: int) -> Path:
    """Write the receipt of one upload: ``receipts/<original name>.json`` and a readable ``.txt`` beside it
    (the latest upload of that name), and the same pair under ``receipts/history/`` for every version."""
    folder = settings.receipts(received.unit_code)
    history = folder / "history"
    history.mkdir(parents=True, exist_ok=True)
    payload = {
        "file": safe_file_name(received.original_name),
        "submission_id": received.submission_id,
        "unit": received.unit_code,
        "form": received.form,
        "version": version,
        "sha256": received.sha256,
        "received_at": received.received_at,
        "status": verdict.status,
        "duplicate_of": verdict.duplicate_of,
        "errors": [asdict(issue) for issue in verdict.errors],
        "warnings": [asdict(issue) for issue in verdict.warnings],
        "notices": [asdict(issue) for issue in verdict.notices],
    }
    document = json.dumps(payload, ensure_ascii=False, indent=2)
    text = render_receipt_text(received, verdict, unit_name, version)
    stamp = received.submission_id.removeprefix(f"{received.unit_code}-")
    for target in (folder / received.original_name, history / f"{stamp}_{received.original_name}"):
        write_text_atomically(target.with_name(target.name + ".json"), document)
        write_text_atomically(target.with_name(target.name + ".txt"), text)
    return folder / f"{received.original_name}.json"


def render_receipt_text(received: Received, verdict: Verdict, unit_name: str, version: int) -> str:
    received_local = dt.datetime.fromisoformat(received.received_at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    lines = [
        "报送回执",
        "",
        f"报送单位:{printable(unit_name)}",
        f"文件名称:{printable(received.original_name)}",
        f"接收时间:{received_local:%Y年%m月%d日 %H:%M:%S}(北京时间)",
        f"版本:第{version}版",
        f"文件校验码(SHA-256):{received.sha256}",
        f"处理结果:{_STATUS_LABEL[verdict.status]}",
    ]
    if verdict.duplicate_of:
        original = verdict.duplicate_of
        outcome = _STATUS_LABEL.get(original.get("status", ""), "").split("(")[0] or "已收到"
        version_shown = printable(str(original.get("version", "?")))
        lines += ["", f"本文件与第{version_shown}版完全相同,该版本处理结果:{outcome}。无需重复报送。"]
    if verdict.errors:
        lines += ["", f"发现 {len(verdict.errors)} 处错误,请修改后重新报送:"]
        lines += [_issue_line(n, issue) for n, issue in enumerate(verdict.errors, 1)]
    if verdict.warnings:
        lines += ["", f"警告 {len(verdict.warnings)} 条(已按本单位上报说明或计算值受理):"]
        lines += [_issue_line(n, issue) for n, issue in enumerate(verdict.warnings, 1)]
    if verdict.notices:
        lines += ["", f"提示 {len(verdict.notices)} 条(不影响受理,请核实):"]
        lines += [_issue_line(n, issue) for n, issue in enumerate(verdict.notices, 1)]
    lines += ["", "原始文件已存档,不会被覆盖。"]
    return "\n".join(lines) + "\n"


def _issue_line(number: int, issue: Issue) -> str:
    """One numbered issue on one line: its place (a sheet name the unit chose) and its message (which may
    quote a cell) shown through ``printable``."""
    explained = f"(上报说明:{printable(issue.explanation)})" if issue.explanation else ""
    return f"  {number}. [{printable(issue.where())}] {printable(issue.message)}{explained}"
