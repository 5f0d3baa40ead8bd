"""Receipts (回执): what a unit reads about each upload, as JSON and as readable Chinese text, the latest per
file name and every version under ``receipts/history/``. A rejected or warned workbook also gets its annotated
copy beside each receipt (``<receipt stem>-批注.xlsx``, written by ``intake.annotate``), which the receipt
names. Every piece of outside text in the ``.txt`` (the file name, sheet names, messages quoting a cell) is
shown through ``safetext.printable``: one line each, so a line break in a name cannot forge a 处理结果 line and
no terminal escape reaches the file.

May import: planeval.records, planeval.settings, planeval.files, planeval.safetext."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
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
# A 预审 (dry run) receipt: what the same file would meet if it were sent to the inbox; nothing is recorded.
CHECK_PREFIX = "预审_"
_CHECK_STATUS_LABEL = {
    "accepted": "预审通过(正式报送时将予受理)",
    "rejected": "预审未通过(正式报送时将被退回)",
    "duplicate": "与已收到的文件完全相同(正式报送时将作为重复提交,不再入库)",
}


def check_receipt_name(original_name: str) -> str:
    """The file name (without ``.json``/``.txt``) under which a 预审 file's receipt is written, apart from the
    receipt of a submission of the same name."""
    return CHECK_PREFIX + original_name


# The annotated copy of an upload is named after its receipt: ``附件3.xlsx.json`` → ``附件3.xlsx-批注.xlsx``.
ANNOTATED_SUFFIX = "-批注.xlsx"


@dataclass(frozen=True)
class Annotation:
    """What became of an upload's annotated copy: written beside each of its receipts, or not, and why
    (Chinese, shown on the receipt)."""

    written: bool
    failure: str = ""


def receipt_bases(settings: Settings, received: Received, dry_run: bool = False) -> tuple[Path, Path]:
    """The two places an upload's receipt is written, without their ending (``.json``, ``.txt``,
    ``-批注.xlsx``): ``receipts/<original name>`` (the latest upload of that name) and
    ``receipts/history/<stamp>_<original name>`` (this version); a 预审 file's under ``预审_<original name>``."""
    folder = settings.receipts(received.unit_code)
    stamp = received.submission_id.removeprefix(f"{received.unit_code}-")
    name = check_receipt_name(received.original_name) if dry_run else received.original_name
    return folder / name, folder / "history" / f"{stamp}_{name}"


def annotated_copy(base: Path) -> Path:
    """The annotated copy written beside the receipt at ``base`` (see ``receipt_bases``)."""
    return base.with_name(base.name + ANNOTATED_SUFFIX)


def write_receipt(
    settings: Settings,
    received: Received,
    verdict: Verdict,
    unit_name: str,
    version: int,
    annotation: Annotation | None = None,
    dry_run: bool = False,
) -> Path:
    """Write the receipt of one upload: ``receipts/<original name>.json`` and a readable ``.txt`` beside it
    (the latest upload of that name), and the same pair under ``receipts/history/`` for every version. Each
    names the annotated copy beside it when one was written (``annotation``), or says why none could be; an
    earlier upload's copy under the latest name goes when this upload has none (history keeps it).

    ``dry_run``: the receipt of a 预审 file (titled 预审回执, ``"dry_run": true``, no version), written as
    ``receipts/预审_<original name>.json``/``.txt`` and under ``history/`` the same way."""
    bases = receipt_bases(settings, received, dry_run)
    bases[1].parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "file": safe_file_name(received.original_name),
        "dry_run": dry_run,
        "submission_id": None if dry_run else received.submission_id,
        "unit": received.unit_code,
        "form": received.form,
        "version": None if dry_run else version,
        "sha256": received.sha256,
        "received_at": received.received_at,
        "status": verdict.status,
        "duplicate_of": verdict.duplicate_of,
        "errors": [asdict(issue) for issue in verdict.errors],
        "warnings": [asdict(issue) for issue in verdict.warnings],
        "notices": [asdict(issue) for issue in verdict.notices],
    }
    for target in bases:
        annotated = annotated_copy(target).name if annotation and annotation.written else None
        failure = annotation.failure if annotation and not annotation.written else None
        document = json.dumps(
            payload | {"annotated": annotated, "annotation_failure": failure}, ensure_ascii=False, indent=2
        )
        text = render_receipt_text(received, verdict, unit_name, version, annotated, failure, dry_run)
        write_text_atomically(target.with_name(target.name + ".json"), document)
        write_text_atomically(target.with_name(target.name + ".txt"), text)
    if not (annotation and annotation.written):  # the copy of an earlier upload of this name is not this one's
        annotated_copy(bases[0]).unlink(missing_ok=True)
    return bases[0].with_name(bases[0].name + ".json")


def receipt_written(settings: Settings, received: Received, dry_run: bool = False) -> bool:
    """Whether this very upload's receipt (its own, under ``history/``) is already written."""
    _, kept = receipt_bases(settings, received, dry_run)
    return kept.with_name(kept.name + ".txt").is_file()


def render_receipt_text(
    received: Received,
    verdict: Verdict,
    unit_name: str,
    version: int,
    annotated: str | None = None,
    annotation_failure: str | None = None,
    dry_run: bool = False,
) -> str:
    received_local = dt.datetime.fromisoformat(received.received_at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    labels = _CHECK_STATUS_LABEL if dry_run else _STATUS_LABEL
    lines = [
        "预审回执" if dry_run else "报送回执",
        "",
        f"报送单位:{printable(unit_name)}",
        f"文件名称:{printable(received.original_name)}",
        f"接收时间:{received_local:%Y年%m月%d日 %H:%M:%S}(北京时间)",
        "性质:仅预审,未计入报送,数据未入库" if dry_run else f"版本:第{version}版",
        f"文件校验码(SHA-256):{received.sha256}",
        f"{'预审结果' if dry_run else '处理结果'}:{labels[verdict.status]}",
    ]
    if verdict.duplicate_of:
        original = verdict.duplicate_of
        outcome = _STATUS_LABEL.get(original.get("status", ""), "").split("(")[0] or "已收到"
        version_shown = printable(str(original.get("version", "?")))
        lines += ["", f"本文件与第{version_shown}版完全相同,该版本处理结果:{outcome}。无需重复报送。"]
    if verdict.errors:
        fix = "请修改后再正式报送" if dry_run else "请修改后重新报送"
        lines += ["", f"发现 {len(verdict.errors)} 处错误,{fix}:"]
        lines += [_issue_line(n, issue) for n, issue in enumerate(verdict.errors, 1)]
    if verdict.warnings:
        lines += ["", f"警告 {len(verdict.warnings)} 条(已按本单位上报说明或计算值受理):"]
        lines += [_issue_line(n, issue) for n, issue in enumerate(verdict.warnings, 1)]
    if verdict.notices:
        lines += ["", f"提示 {len(verdict.notices)} 条(不影响受理,请核实):"]
        lines += [_issue_line(n, issue) for n, issue in enumerate(verdict.notices, 1)]
    if annotated:
        lines += [
            "",
            f"批注文件:{printable(annotated)}(与本回执在同一文件夹;在您报送的表格中标出上述问题所在单元格,"
            "红色为错误,橙色为警告,浅黄色为提示,并在首个工作表“审核结果”中逐条列出,可点击跳转)",
        ]
    if annotation_failure:
        lines += ["", f"未能生成批注文件:{printable(annotation_failure)}"]
    if dry_run:
        lines += ["", "本文件仅作预审,不计入报送;如需报送,请将文件放入收件箱(inbox)或在报送页面上传(不勾选“仅预审”)。"]
    lines += ["", "原始文件已存档,不会被覆盖。"]
    return "\n".join(lines) + "\n"


def _issue_line(number: int, issue: Issue) -> str:
    """One numbered issue on one line: its place (a sheet name the unit chose) and its message (which may
    quote a cell) shown through ``printable``."""
    explained = f"(上报说明:{printable(issue.explanation)})" if issue.explanation else ""
    return f"  {number}. [{printable(issue.where())}] {printable(issue.message)}{explained}"


LOCKED_LABEL = "已锁定(未入库)"


def write_locked_receipt(settings: Settings, received: Received, unit_name: str, notice: str) -> Path:
    """The receipt of an upload for a campaign whose figures are locked by the office's approval: archived,
    never validated or loaded; ``notice`` says since when and whom to ask. Same files as ``write_receipt``."""
    folder = settings.receipts(received.unit_code)
    (folder / "history").mkdir(parents=True, exist_ok=True)
    payload = {
        "file": safe_file_name(received.original_name),
        "submission_id": received.submission_id,
        "unit": received.unit_code,
        "form": received.form,
        "sha256": received.sha256,
        "received_at": received.received_at,
        "status": "locked",
        "notice": notice,
    }
    received_local = dt.datetime.fromisoformat(received.received_at).astimezone(dt.timezone(dt.timedelta(hours=8)))
    text = "\n".join(
        [
            "报送回执",
            "",
            f"报送单位:{printable(unit_name)}",
            f"文件名称:{printable(received.original_name)}",
            f"接收时间:{received_local:%Y年%m月%d日 %H:%M:%S}(北京时间)",
            f"文件校验码(SHA-256):{received.sha256}",
            f"处理结果:{LOCKED_LABEL}",
            "",
            notice,
            "",
            "原始文件已存档,不会被覆盖。",
        ]
    )
    document = json.dumps(payload, ensure_ascii=False, indent=2)
    stamp = received.submission_id.removeprefix(f"{received.unit_code}-")
    for target in (folder / received.original_name, folder / "history" / f"{stamp}_{received.original_name}"):
        write_text_atomically(target.with_name(target.name + ".json"), document)
        write_text_atomically(target.with_name(target.name + ".txt"), text + "\n")
    return folder / f"{received.original_name}.json"
