"""The hostile corpus (tests/faults/corpus.py), one case per pass: the pass completes, the invariant holds,
every entry that is not a transient name gets a receipt, receipts carry no raw control character or forged
line, a link is never followed nor accepted, and a second pass changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .corpus import CASES, FORMULA_TEXTS, Context
from .harness import check_invariant, db_rows, forked_pass, receipt_text_problems

pytestmark = pytest.mark.usefixtures("warm_gx")


@pytest.fixture
def corpus_home(units_ready, monkeypatch):
    db_url = f"sqlite:///{units_ready / 'warehouse.db'}"
    monkeypatch.setenv("PLANEVAL_DB_URL", db_url)
    return units_ready, db_url


def _build(case, home: Path, forms, tmp_path: Path, monkeypatch) -> list:
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    outside = tmp_path / "outside"
    outside.mkdir()
    return case.build(Context(home, forms, outside, forked_pass))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.family}-{c.id}" for c in CASES])
def test_hostile_case(case, corpus_home, forms, tmp_path, monkeypatch):
    if case.needs_non_root and os.geteuid() == 0:
        _deny_reading_chmod_000_files(monkeypatch)  # root reads anything: make the forked pass see what a user sees
    home, db_url = corpus_home
    entries = _build(case, home, forms, tmp_path, monkeypatch)
    code = forked_pass(timeout=150)
    assert code == 0, f"the pass did not complete: exit code {code} (negative: killed by signal {-code})"
    assert check_invariant(home, db_url, entries, complete=True) == []
    assert receipt_text_problems(home) == []
    links = db_rows(
        db_url,
        "SELECT c.safe_name, s.status FROM intake_claim c JOIN submission s "
        "ON s.submission_id = c.submission_id WHERE c.entry_kind <> 'file'",
    )
    assert [row for row in links if row["status"] != "rejected"] == [], "a link or special entry was accepted"
    if case.family != "entry":
        return
    # what is not a plain file is recorded once, never taken again (a link left behind, an unreadable file)
    before = db_rows(db_url, "SELECT submission_id FROM submission ORDER BY submission_id")
    assert forked_pass(timeout=150) == 0
    assert db_rows(db_url, "SELECT submission_id FROM submission ORDER BY submission_id") == before
    assert check_invariant(home, db_url, entries, complete=True) == []


def _deny_reading_chmod_000_files(monkeypatch) -> None:
    """As root, a file with mode 000 is still readable; the collection pass (forked from this process) is made
    to see it as an unprivileged user would: no read access, opening it fails with PermissionError."""
    import stat

    from planeval.intake import archive

    def unreadable(path) -> bool:
        try:
            return stat.S_IMODE(os.lstat(path).st_mode) == 0
        except OSError:
            return False

    real_access, real_open = os.access, archive._open_plain_file
    monkeypatch.setattr(
        os, "access", lambda path, mode, **kw: False if unreadable(path) else real_access(path, mode, **kw)
    )

    def guarded_open(path, expected):
        if unreadable(path):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, expected)

    monkeypatch.setattr(archive, "_open_plain_file", guarded_open)


def test_corpus_is_large_enough():
    assert len(CASES) >= 60, len(CASES)
    assert {c.family for c in CASES} == {"name", "entry", "content"}


def test_a_crashing_file_never_blocks_the_others(corpus_home, forms, tmp_path, monkeypatch):
    """A file that takes its pass down with it must not take down every later pass: a valid form dropped
    beside it is recorded and receipted within two passes."""
    home, db_url = corpus_home
    case = next(c for c in CASES if c.id == "content_value_at_xfd1048576")
    hostile = _build(case, home, forms, tmp_path, monkeypatch)
    good = Context(home, forms, tmp_path, forked_pass).put(
        "emergency", "应急局联系人.xlsx", forms["emergency_contacts"].read_bytes()
    )
    codes = [forked_pass(timeout=150), forked_pass(timeout=150)]
    assert check_invariant(home, db_url, [good], complete=True) == [], f"exit codes of the two passes: {codes}"
    assert check_invariant(home, db_url, [*hostile, good], complete=True) == []


def test_formula_like_text_never_becomes_a_live_formula_in_the_contacts_export(corpus_home, forms, monkeypatch):
    """One contacts form carrying every formula-like text (as text cells), accepted, then exported by
    ``planeval contacts``: no cell of the export may be a formula or start like one."""
    home, _ = corpus_home
    from planeval.stages import monitor

    texts = [value for _, value in FORMULA_TEXTS.values()]
    cells = [f"{column}{row}" for row in (3, 4) for column in ("B", "C", "E")]

    def edit(workbook) -> None:
        for ref, value in zip(cells, texts, strict=True):
            workbook.active[ref].value = value
            workbook.active[ref].data_type = "s"

    context = Context(home, forms, home, forked_pass)
    context.put("water", "公式联系人.xlsx", context.edited("water_contacts", edit))
    assert forked_pass() == 0
    accepted = {str(v).strip() for row in monitor.list_contacts() for v in row.values() if v}
    assert {t.strip() for t in texts} <= accepted, "the formula-like contacts were not accepted"
    exported = load_workbook(monitor.write_contacts_list())
    live = [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in exported.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r")
    ]
    assert live == []
