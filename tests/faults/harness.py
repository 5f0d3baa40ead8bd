"""The fault tier's tools: run a collection pass (a ``planeval run collect`` subprocess, or a forked child of
the test process, warm and cheap, that a crash or a self-kill cannot take the test run down with), and check
the intake invariant on the file system and the warehouse.

The invariant: every input entry ends up either (a) still in its inbox, or (b) archived (a file under
archive/<unit>/, byte-identical for a plain file), recorded (one ``submission`` row) and receipted (a receipt
.json naming its submission_id) — and nothing else.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

import planeval

PLUGINS = Path(planeval.__file__).resolve().parents[1]  # the worktree's plugins/, whatever PYTHONPATH says
OPEN_STATES = ("claimed", "archived")  # a claim whose archive copy may exist without a row yet
CHILD_MEMORY_BYTES = 6 * 1024**3  # a forked pass may not take the machine down with it


@dataclass
class Entry:
    """One input entry placed in an inbox: its unit and exact name bytes; ``content`` for a plain file (its
    archive copy must equal it); ``expect`` says what a pass must do with it:
    ``take``   archived, recorded and receipted (refused or not), the inbox copy gone;
    ``refuse`` like take, and the submission rejected (a link, a pipe, an unreadable file…) — or a duplicate of
               a rejected one earlier in the same pass;
    ``stay``   never taken: it stays in the inbox untouched (transient names, folders)."""

    unit: str
    name: bytes
    expect: str = "take"
    content: bytes | None = None
    forbidden: list[bytes] = field(default_factory=list)  # bytes that must never appear in any archive copy
    stays_after: bool = False  # taken and recorded, but the inbox copy stays (a file planeval may not read)

    @property
    def name_hex(self) -> str:
        return self.name.hex()

    def path(self, home: Path) -> bytes:
        return os.fsencode(home / "drop" / self.unit / "inbox") + b"/" + self.name


def db_rows(db_url: str, query: str, **params) -> list[dict]:
    engine = create_engine(db_url)
    try:
        if "intake_claim" in query and not inspect(engine).has_table("intake_claim"):
            return []
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(query), params)]
    finally:
        engine.dispose()


def warehouse(db_url: str) -> tuple[list[dict], dict[str, dict]]:
    """All claims and all submissions (by id)."""
    claims = db_rows(db_url, "SELECT * FROM intake_claim")
    if not claims and not _has(db_url, "submission"):
        return [], {}
    submissions = {r["submission_id"]: r for r in db_rows(db_url, "SELECT * FROM submission")}
    return claims, submissions


def _has(db_url: str, table: str) -> bool:
    engine = create_engine(db_url)
    try:
        return inspect(engine).has_table(table)
    finally:
        engine.dispose()


def archive_files(home: Path) -> list[Path]:
    return files_under(home / "archive")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def receipt_ids(home: Path, unit: str) -> tuple[set[str], set[str]]:
    """submission_ids named by the unit's receipts: (the latest per name, every version under history/)."""
    folder = home / "drop" / unit / "receipts"
    latest, history = set(), set()
    for target, pattern in ((latest, "*.json"), (history, "history/*.json")):
        for path in folder.glob(pattern) if folder.exists() else []:
            target.add(json.loads(path.read_text(encoding="utf-8"))["submission_id"])
    return latest, history


def check_invariant(home: Path, db_url: str, entries: list[Entry], complete: bool) -> list[str]:
    """Every breach of the invariant, as sentences (empty: it holds). ``complete``: after a pass that ran to
    its end (every takeable entry must be taken and the inboxes hold nothing else); otherwise after a crash,
    where an entry may be both in its inbox and archived, and an archive copy may exist under an open claim."""
    problems: list[str] = []
    claims, submissions = warehouse(db_url)
    by_name: dict[tuple[str, str], list[dict]] = {}
    for claim in claims:
        by_name.setdefault((claim["unit_code"], claim["name_hex"]), []).append(claim)
    archived = {str(p) for p in archive_files(home)}
    for entry in entries:
        label = f"{entry.unit}/{entry.name!r}"
        in_inbox = os.path.lexists(entry.path(home))
        recorded = [c for c in by_name.get((entry.unit, entry.name_hex), []) if c["submission_id"] in submissions]
        if entry.expect == "stay":
            if not in_inbox:
                problems.append(f"{label}: a transient/ignored entry left its inbox")
            if by_name.get((entry.unit, entry.name_hex)):
                problems.append(f"{label}: a transient/ignored entry was claimed")
            continue
        if len(recorded) > 1:
            problems.append(f"{label}: recorded {len(recorded)} times ({[c['submission_id'] for c in recorded]})")
        if not recorded:
            if not in_inbox:
                problems.append(f"{label}: LOST — neither in its inbox nor recorded")
            elif complete:
                problems.append(f"{label}: still in its inbox after a complete pass, never recorded")
            continue
        claim = recorded[0]
        submission = submissions[claim["submission_id"]]
        if complete and in_inbox and not entry.stays_after:
            problems.append(f"{label}: recorded as {claim['submission_id']} but still in its inbox")
        if entry.stays_after and not in_inbox:
            problems.append(f"{label}: an unreadable entry was removed from its inbox")
        path = Path(submission["archive_path"])
        if str(path) not in archived:
            problems.append(f"{label}: recorded but its archive copy {path} is missing")
        elif entry.content is not None and claim["entry_kind"] == "file" and path.read_bytes() != entry.content:
            problems.append(f"{label}: archive copy differs from the original")
        if not str(path).startswith(str(home / "archive" / entry.unit) + os.sep):
            problems.append(f"{label}: archived outside archive/{entry.unit}/: {path}")
        latest, history = receipt_ids(home, entry.unit)
        if claim["submission_id"] not in history:
            problems.append(f"{label}: no receipt (history/) names {claim['submission_id']}")
        if complete and claim["submission_id"] not in latest and not _superseded_receipt(submissions, submission):
            problems.append(f"{label}: no receipt in receipts/ names {claim['submission_id']}")
        if entry.expect == "refuse" and submission["status"] not in ("rejected", "duplicate"):
            problems.append(f"{label}: must be refused, got status {submission['status']}")
    # every archive copy belongs to a row — or, before recovery, to an open claim
    rows = {s["archive_path"] for s in submissions.values()}
    open_claims = {c["archive_path"] for c in claims if c["state"] in OPEN_STATES}
    for path in archived:
        if path not in rows and (complete or path not in open_claims):
            problems.append(f"archive copy without a row: {path}")
    if complete:
        if len(archived) != len(submissions):
            problems.append(f"{len(archived)} archive copies for {len(submissions)} submissions")
        left_open = [c["submission_id"] for c in claims if c["state"] in OPEN_STATES]
        if left_open:
            problems.append(f"claims left open after a complete pass: {left_open}")
        problems += _strays(home, entries)
    for entry in entries:  # what a link pointed at never lands in the archive of the unit that sent the link
        for secret in entry.forbidden:
            for path in files_under(home / "archive" / entry.unit):
                if secret in path.read_bytes():
                    problems.append(f"{entry.unit}/{entry.name!r}: a link target's bytes were archived in {path}")
    return problems


def _superseded_receipt(submissions: dict[str, dict], submission: dict) -> bool:
    """The latest receipt of a name is the last upload under that (safe) name: an earlier one is in history/."""
    return any(
        s["unit_code"] == submission["unit_code"]
        and s["original_name"] == submission["original_name"]
        and s["submission_id"] != submission["submission_id"]
        for s in submissions.values()
    )


def _strays(home: Path, entries: list[Entry]) -> list[str]:
    """Inbox entries nobody put there."""
    known = {(e.unit, e.name) for e in entries}
    problems = []
    drop = home / "drop"
    for inbox in drop.glob("*/inbox") if drop.exists() else []:
        for name in os.listdir(os.fsencode(inbox)):
            if (inbox.parent.name, name) not in known:
                problems.append(f"unexpected inbox entry {inbox.parent.name}/{name!r}")
    return problems


def receipt_text_problems(home: Path) -> list[str]:
    """Receipts (.txt) with raw control characters or a forged line."""
    problems = []
    for path in sorted((home / "drop").glob("*/receipts/**/*.txt")):
        data = path.read_text(encoding="utf-8")
        bad = sorted({f"{ord(c):#04x}" for c in data if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F})
        bad += [f"U+{ord(c):04X}" for c in set(data) if c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\ufeff"]
        if bad:
            problems.append(f"{path.name!r}: control characters {bad}")
        results = [line for line in data.split("\n") if line.startswith("处理结果")]
        names = [line for line in data.split("\n") if line.startswith("文件名称")]
        if len(results) != 1 or len(names) != 1:
            problems.append(f"{path.name!r}: {len(results)} 处理结果 lines, {len(names)} 文件名称 lines")
    return problems


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PLUGINS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["GX_ANALYTICS_ENABLED"] = "false"
    env.update(extra)
    return env


def cli_pass(timeout: float = 180, **extra: str) -> subprocess.CompletedProcess:
    """``planeval run collect`` as its own process (the CLI entry point of the worktree's package)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from planeval.ui.cli import main; sys.exit(main(sys.argv[1:]))",
            "run",
            "collect",
        ],
        env=cli_env(**extra),
        capture_output=True,
        timeout=timeout,
    )


def start_cli_pass(**extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from planeval.ui.cli import main; sys.exit(main(sys.argv[1:]))",
            "run",
            "collect",
        ],
        env=cli_env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _child_pass(extra: dict[str, str]) -> None:
    os.environ.update(extra)
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    from planeval.ui.cli import main

    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        code = main(["run", "collect"])
    os._exit(code)


def forked_pass(timeout: float = 120, **extra: str) -> int:
    """One collection pass in a forked child of this (warm) process: its exit code, negative for a signal.
    A hang past ``timeout`` is killed and reported as -9."""
    process = multiprocessing.get_context("fork").Process(target=_child_pass, args=(extra,))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return -9999
    assert process.exitcode is not None
    return process.exitcode


def start_forked_pass(**extra: str) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("fork").Process(target=_child_pass, args=(extra,))
    process.start()
    return process
