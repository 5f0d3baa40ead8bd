"""Backtests: a whole demo run (no Airflow) written out as reviewable text, volatile values normalised.

``generate(catalog, target)`` runs the demo of one catalog in a temporary PLANEVAL_HOME and writes
under ``target``:

  tables/<table>.csv            every warehouse table, rows sorted, volatile values replaced by tokens
  documents/<path>.txt          the text of every .docx under reports/<campaign>/ (body, tables, headers, footers)
  documents/<path>.<sheet>.csv  every sheet of every .xlsx under reports/<campaign>/
  receipts/<unit>/<name>.txt    the receipts' text (the latest of each name; not history/)
  files.txt                     every file under reports/ (charts included), by relative path

The same normalisation applies everywhere, so a lineage string and a receipt name a submission alike.
``compare(expected, actual)`` lists what differs, with a unified diff per file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ("haian", "longcheng")
EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
SCHEMA_TABLES = {"planeval_schema_version", "alembic_version"}  # migration bookkeeping, not data
BEIJING = dt.timezone(dt.timedelta(hours=8))


# --- the run: the only place planeval is imported ------------------------------------------------------


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_demo(home: Path, catalog_dir: Path, db_url: str | None = None) -> str:
    """``planeval demo --without-airflow`` in ``home``: init units → drop the demo files → collect →
    year end (drafts). Returns the warehouse URL."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX is imported
    db_url = db_url or f"sqlite:///{home / 'warehouse.db'}"
    env = {
        "PLANEVAL_HOME": str(home),
        "PLANEVAL_CATALOG": str(catalog_dir),
        "PLANEVAL_DB_URL": db_url,
        "PLANEVAL_SETTLE_SECONDS": "0",  # every file is written before the pass starts
    }
    with _environment(**env):
        from planeval.stages import collect, setup, year_end
        from planeval.stages.context import open_selection, select
        from planeval.ui.demo import drop_demo_submissions

        selection = select()
        settings, catalog, campaign = open_selection(selection)
        setup.init_units(campaign.code)
        drop_demo_submissions(settings, catalog, campaign)
        collect.run_collect()
        year_end.run_year_end(selection)
    return db_url


def _engine(db_url: str):
    from planeval.warehouse.db import make_engine

    return make_engine(db_url)


# --- normalisation ----------------------------------------------------------------------------------


class Normaliser:
    """Replaces what changes from run to run by stable tokens.

    - submission ids (``<unit>-<UTC stamp>-<sha8>``) → ``<unit>-#<n>``, n by (unit, original name, version)
    - SHA-256 digests (the demo's xlsx/docx embed their write time) → ``<sha256:<unit>-#<n>>`` of the first
      submission with those bytes, so equal files stay visibly equal
    - archive paths → ``archive/<unit>/<stamp>_<sha8>_<name>`` relative to PLANEVAL_HOME; other paths
      under PLANEVAL_HOME → ``<home>/…``
    - ISO timestamps and the receipts' Beijing times → ``<timestamp>`` / ``<time>``
    - a receipt's SHA-256 of a file never recorded as a submission (a 预审 file's) → ``<sha256>``
    - today's date (local and Beijing; ISO, 2026年12月3日, 2026年12月03日) → ``<today>``
    """

    STAMP = re.compile(r"\d{8}T\d{6}\d*Z")
    RECEIPT_SHA256 = re.compile(r"(?<=文件校验码\(SHA-256\):)[0-9a-f]{64}\b")
    ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
    CHINESE_TIME = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}(?::\d{2})?")

    def __init__(self, home: Path, submissions: list[dict], days: set[dt.date]) -> None:
        self.home = str(home)
        self.tokens: dict[str, str] = {}
        counters: dict[str, int] = {}
        for row in sorted(submissions, key=lambda r: (r["unit_code"], r["original_name"], r["version"], r["form"])):
            counters[row["unit_code"]] = counters.get(row["unit_code"], 0) + 1
            token = f"{row['unit_code']}-#{counters[row['unit_code']]}"
            self.tokens[row["submission_id"]] = token
            self.tokens.setdefault(row["sha256"], f"<sha256:{token}>")
        # longest first, so that no key is cut short by a shorter one it starts with
        self._known = re.compile("|".join(re.escape(k) for k in sorted(self.tokens, key=len, reverse=True)) or "(?!)")
        forms = []
        for day in sorted(days):
            forms += [day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day:%Y年%m月%d日}"]
        alternatives = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        self._today = re.compile(rf"(?<!\d)(?:{alternatives})(?!\d)")

    def archive_path(self, value: str) -> str:
        relative = os.path.relpath(value, self.home) if value.startswith(self.home) else value
        return self.text(re.sub(r"\d{8}T\d{6}\d*Z_[0-9a-f]{8}_", "<stamp>_<sha8>_", relative))

    def text(self, value: str) -> str:
        value = self._known.sub(lambda m: self.tokens[m.group(0)], value)
        value = self.RECEIPT_SHA256.sub("<sha256>", value)
        value = value.replace(self.home, "<home>")
        value = self.CHINESE_TIME.sub("<time>", value)
        value = self.ISO_TIME.sub("<timestamp>", value)
        value = self.STAMP.sub("<stamp>", value)
        return self._today.sub("<today>", value)

    def value(self, value: object, column: str = "") -> str:
        if value is None:
            return ""
        if isinstance(value, bool):  # PostgreSQL booleans read as the 0/1 SQLite stores
            return str(int(value))
        if isinstance(value, float):
            return number(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        if column == "archive_path":
            return self.archive_path(str(value))
        return self.text(str(value))


# Columns whose value is volatile as a whole. size_bytes: an xlsx written by openpyxl stores its write time,
# and the compressed size moves by a byte or two with it.
VOLATILE_COLUMNS = {
    "size_bytes": "<bytes>",
    # intake_claim: which process of which pass took a file, and the file's modification time
    "mtime_ns": "<mtime>",
    "ctime_ns": "<ctime>",
    "pass_id": "<pass>",
    "holder": "<host:pid>",
}


def number(value: float) -> str:
    """A float with a fixed repr: rounded to 6 places, no negative zero."""
    rounded = round(value, 6)
    return repr(rounded + 0.0 if rounded == 0 else rounded)


def today_forms() -> set[dt.date]:
    return {dt.date.today(), dt.datetime.now(BEIJING).date()}


# --- writing the outputs ------------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def dump_tables(db_url: str, home: Path, days: set[dt.date], target: Path) -> Normaliser:
    from sqlalchemy import inspect, text

    engine = _engine(db_url)
    try:
        with engine.connect() as connection:
            submissions = [
                dict(row._mapping)
                for row in connection.execute(
                    text("SELECT submission_id, unit_code, original_name, version, form, sha256 FROM submission")
                )
            ]
            normaliser = Normaliser(home, submissions, days)
            for table in sorted(set(inspect(connection).get_table_names()) - SCHEMA_TABLES):
                columns = [column["name"] for column in inspect(connection).get_columns(table)]
                rows = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all()
                lines = sorted(
                    [VOLATILE_COLUMNS.get(c) or normaliser.value(v, c) for c, v in zip(columns, row, strict=True)]
                    for row in rows
                )
                _write_csv(target / "tables" / f"{table}.csv", [columns, *lines])
    finally:
        engine.dispose()
    return normaliser


def docx_text(path: Path) -> str:
    """Paragraphs and tables in document order (one line per paragraph, ``| a | b |`` per table row, ``[图]``
    per picture), then each section's headers and footers."""
    from docx import Document
    from docx.oxml.ns import qn

    def paragraph(element) -> str:
        parts = []
        for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:drawing")):
            if node.tag == qn("w:t"):
                parts.append(node.text or "")
            elif node.tag == qn("w:tab"):
                parts.append("\t")
            elif node.tag == qn("w:br"):
                parts.append("\n")
            else:
                parts.append("[图]")
        return "".join(parts)

    def block(element, lines: list[str]) -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                lines.append(paragraph(child))
            elif child.tag == qn("w:tbl"):
                for row in child.iterchildren(qn("w:tr")):
                    cells = [
                        " / ".join(paragraph(p) for p in cell.iter(qn("w:p")) if paragraph(p))
                        for cell in row.iterchildren(qn("w:tc"))
                    ]
                    lines.append("| " + " | ".join(cells) + " |")
                lines.append("")
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    block(content, lines)

    document = Document(str(path))
    lines: list[str] = []
    block(document.element.body, lines)
    for number_, section in enumerate(document.sections, start=1):
        for label in ("header", "first_page_header", "even_page_header", "footer", "first_page_footer"):
            part = getattr(section, label)
            if part.is_linked_to_previous:
                continue
            part_lines: list[str] = []
            block(part._element, part_lines)
            if any(line.strip() for line in part_lines):
                lines += [f"[节{number_} {label}]", *part_lines]
    return "\n".join(lines).rstrip("\n") + "\n"


def xlsx_sheets(path: Path) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path)  # formulas as written, not cached results
    sheets = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else number(v) if isinstance(v, float) else str(v) for v in row])
        while rows and not any(rows[-1]):
            rows.pop()
        sheets[sheet.title] = rows
    return sheets


def dump_files(home: Path, normaliser: Normaliser, target: Path) -> None:
    reports = home / "reports"
    inventory = []
    for path in sorted(reports.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(reports)
        inventory.append(str(relative))
        if path.suffix == ".docx":
            out = target / "documents" / f"{relative}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(normaliser.text(docx_text(path)), encoding="utf-8")
        elif path.suffix == ".xlsx":
            for sheet, rows in xlsx_sheets(path).items():
                normalised = [[normaliser.text(v) for v in row] for row in rows]
                _write_csv(target / "documents" / f"{relative}.{sheet}.csv", normalised)
    (target / "files.txt").write_text("".join(f"{normaliser.text(p)}\n" for p in inventory), encoding="utf-8")
    for path in sorted((home / "drop").glob("*/receipts/*.txt")):
        out = target / "receipts" / path.parent.parent.name / path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(normaliser.text(path.read_text(encoding="utf-8")), encoding="utf-8")


def generate(catalog: str, target: Path, db_url: str | None = None, scratch: Path | None = None) -> Path:
    """Run the demo of ``catalog/<catalog>`` and write its normalised outputs into ``target`` (replaced)."""
    with contextlib.ExitStack() as stack:
        if scratch is None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"backtest-{catalog}-")))
        home = scratch / "home"
        days = today_forms()
        url = _run_demo(home, REPO_ROOT / "catalog" / catalog, db_url)
        days |= today_forms()  # a run across midnight
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        normaliser = dump_tables(url, home, days, target)
        dump_files(home, normaliser, target)
    return target


# --- comparing ----------------------------------------------------------------------------------------


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def compare(expected: Path, actual: Path, diff_lines: int = 60) -> list[str]:
    """Every difference between two output folders: missing and extra files, and a diff per changed file."""
    problems = []
    want, have = _files(expected), _files(actual)
    problems += [f"missing (expected but not produced): {name}" for name in sorted(want - have)]
    problems += [f"extra (produced but not expected): {name}" for name in sorted(have - want)]
    for name in sorted(want & have):
        old = (expected / name).read_text(encoding="utf-8")
        new = (actual / name).read_text(encoding="utf-8")
        if old == new:
            continue
        diff = list(
            difflib.unified_diff(
                old.splitlines(), new.splitlines(), f"expected/{name}", f"actual/{name}", lineterm="", n=2
            )
        )
        shown = diff[:diff_lines] + ([f"… {len(diff) - diff_lines} more diff lines"] if len(diff) > diff_lines else [])
        problems.append(f"changed: {name}\n" + "\n".join(shown))
    return problems


def report(problems: list[str], limit: int = 12) -> str:
    head = problems[:limit]
    more = f"\n… and {len(problems) - limit} more differences" if len(problems) > limit else ""
    return (
        f"{len(problems)} difference(s) from the expected outputs "
        "(if the change is intended: make backtests-refresh, then review the diff):\n\n" + "\n\n".join(head) + more
    )
