"""The backtests' own helpers: what is normalised, and how differences are reported (fast, no demo run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .outputs import Normaliser, compare, docx_text, number, report

pytestmark = pytest.mark.backtest

ID = "housing-20261203T083022163840Z-0c202e1a"
SHA = "0c202e1a" + "7" * 56


@pytest.fixture
def normaliser() -> Normaliser:
    row = {"unit_code": "housing", "version": 1, "form": "indicator_table"}
    submissions = [
        row | {"submission_id": ID, "original_name": "b.xlsx", "sha256": SHA},
        row | {"submission_id": "housing-x", "original_name": "a.xlsx", "sha256": "f" * 64},
    ]
    return Normaliser(Path("/tmp/run/home"), submissions, {dt.date(2026, 12, 3)})


def test_ids_digests_paths_times_and_today_become_tokens(normaliser):
    text = normaliser.text
    assert text(f"{ID}:附件3!H3;housing-x:附件3!E3") == "housing-#2:附件3!H3;housing-#1:附件3!E3"
    assert text(f"文件校验码(SHA-256):{SHA}") == "文件校验码(SHA-256):<sha256:housing-#2>"
    assert text("接收时间:2026年12月03日 16:30:22(北京时间)") == "接收时间:<time>(北京时间)"
    assert text("2026-12-03T08:30:22.163840+00:00") == "<timestamp>"
    assert text("落款 2026年12月3日;as_of 2026-12-03;截止 2026年12月31日") == (
        "落款 <today>;as_of <today>;截止 2026年12月31日"
    )
    assert text("/tmp/run/home/reports/a.docx") == "<home>/reports/a.docx"
    archived = f"/tmp/run/home/archive/housing/20261203T083022163840Z_0c202e1a_{ID}.xlsx"
    assert normaliser.value(archived, "archive_path") == "archive/housing/<stamp>_<sha8>_housing-#2.xlsx"


def test_values_have_one_text_whatever_the_database():
    assert [number(x) for x in (16.6, 18.0, 0.1 + 0.2, -0.0, 1 / 3)] == ["16.6", "18.0", "0.3", "0.0", "0.333333"]
    normaliser = Normaliser(Path("/h"), [], {dt.date(2026, 12, 3)})
    assert [normaliser.value(v) for v in (None, True, 0, 2.50)] == ["", "1", "0", "2.5"]


def test_differences_are_listed_with_a_diff(tmp_path):
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    for folder in (expected, actual):
        (folder / "tables").mkdir(parents=True)
        (folder / "tables" / "same.csv").write_text("a\n1\n", encoding="utf-8")
    (expected / "tables" / "t.csv").write_text("a,b\n1,提前实现\n", encoding="utf-8")
    (actual / "tables" / "t.csv").write_text("a,b\n1,符合预期\n", encoding="utf-8")
    (expected / "gone.txt").write_text("x\n", encoding="utf-8")
    (actual / "new.txt").write_text("y\n", encoding="utf-8")
    problems = compare(expected, actual)
    assert problems[0] == "missing (expected but not produced): gone.txt"
    assert problems[1] == "extra (produced but not expected): new.txt"
    assert "-1,提前实现\n+1,符合预期" in problems[2] and len(problems) == 3
    assert "make backtests-refresh" in report(problems)


def test_document_text_keeps_paragraphs_tables_and_headers_in_order(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("一、总体进展")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "指标"
    document.add_paragraph("附件:")
    document.sections[0].header.paragraphs[0].text = "征求意见稿"
    document.save(str(tmp_path / "a.docx"))
    assert docx_text(tmp_path / "a.docx") == "一、总体进展\n| 序号 | 指标 |\n\n附件:\n[节1 header]\n征求意见稿\n"
