"""The strict catalog schema: an unknown or misspelled key in any file is named with file, line and the closest
valid key; wrong values in Chinese with the line; every error of the catalog at once; the format version."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from planeval.catalog import CatalogError, load_catalog
from planeval.settings import REPO_ROOT


def copy_catalog(tmp_path: Path, city: str = "haian") -> Path:
    folder = tmp_path / city
    shutil.copytree(REPO_ROOT / "catalog" / city, folder)
    return folder


def misspell(path: Path, pattern: str, wrong: str) -> int:
    """Replace the first match of ``pattern`` (its group 1 is the key) by ``wrong``; the edited line (1-based)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, flags=re.MULTILINE)
    assert match, f"{pattern} not in {path.name}"
    path.write_text(text[: match.start(1)] + wrong + text[match.end(1) :], encoding="utf-8")
    return text[: match.start(1)].count("\n") + 1


def load_error(folder: Path) -> str:
    with pytest.raises(CatalogError) as raised:
        load_catalog(folder)
    return str(raised.value)


# (catalog, file, a regex whose group 1 is a key of the file, the misspelling, the key it stands for)
MISSPELLINGS = [
    ("haian", "catalog.yaml", r"^(short_office):", "short_ofice", "short_office"),
    ("haian", "catalog.yaml", r"^  (plan_tasks):", "plan_task", "plan_tasks"),
    ("haian", "units.yaml", r"^(departments):", "departmens", "departments"),
    ("haian", "units.yaml", r"code: development_reform, (name):", "nmae", "name"),
    ("haian", "indicators.yaml", r"^  (responsible):", "respnsible", "responsible"),
    ("haian", "measures.yaml", r"^- \{code: accidents.*(additive):", "additve", "additive"),
    ("haian", "plans.yaml", r"^  (short_name):", "short_nmae", "short_name"),
    ("haian", "plan_tasks.yaml", r"^ +(lead):", "leed", "lead"),
    ("haian", "projects.yaml", r"^  (responsible):", "responsibel", "responsible"),
    ("haian", "campaigns.yaml", r"^  (data_cutoff):", "data_cutof", "data_cutoff"),
    ("haian", "forms.yaml", r"\{key: seq, (header):", "heder", "header"),
    ("haian", "demo.yaml", r"^(rejected_first):", "rejected_frist", "rejected_first"),
    ("haian", "demo.yaml", r"^      (share):", "shere", "share"),
    ("wenling", "tasks.yaml", r"^  (cooperating):", "cooperatng", "cooperating"),
]


@pytest.mark.parametrize(("city", "name", "pattern", "wrong", "meant"), MISSPELLINGS)
def test_a_misspelled_key_is_named_with_file_line_and_the_key_meant(tmp_path, city, name, pattern, wrong, meant):
    folder = copy_catalog(tmp_path, city)
    line = misspell(folder / name, pattern, wrong)
    message = load_error(folder)
    assert f"{name} 第{line}行: 未知键 “{wrong}”,是否应为 “{meant}”?" in message
    assert f"缺少必填键 “{meant}”" not in message  # the misspelling explains the missing key: said once


def test_roster_keys_are_checked_too(tmp_path):
    folder = copy_catalog(tmp_path)
    (folder / "roster.yaml").write_text(
        "- {username: zhang, role: office}\n- {usrname: li, role: unit, unit: housing}\n", encoding="utf-8"
    )
    assert "roster.yaml 第2行: 未知键 “usrname”,是否应为 “username”?" in load_error(folder)


def test_a_key_far_from_every_valid_one_lists_the_valid_keys(tmp_path):
    folder = copy_catalog(tmp_path)
    line = misspell(folder / "campaigns.yaml", r"^  (word_limit):", "负责人")
    message = load_error(folder)
    assert f"campaigns.yaml 第{line}行: 未知键 “负责人”(可用的键:code、name、year、kind、title" in message


def test_wrong_values_are_told_in_chinese_with_their_line(tmp_path):
    folder = copy_catalog(tmp_path)
    kind_line = misspell(folder / "campaigns.yaml", r"^  kind: (summary)", "summery")
    year_line = misspell(folder / "campaigns.yaml", r"^  year: (2025)", "二〇二五")
    message = load_error(folder)
    assert (
        f"campaigns.yaml 第{kind_line}行: “kind” 的值 “summery” 无效,应为 summary、midterm、annual、half_year 之一"
        "(条目 haian_2025_summary)"
    ) in message
    assert f"campaigns.yaml 第{year_line}行: “year” 应为整数,实为 “二〇二五”(条目 haian_2025_summary)" in message


def test_a_missing_required_key_is_named_at_its_entry(tmp_path):
    folder = copy_catalog(tmp_path)
    path = folder / "campaigns.yaml"
    text = path.read_text(encoding="utf-8")
    entry_line = text[: text.index("- code: haian_2025_summary")].count("\n") + 1
    path.write_text(re.sub(r"^  data_cutoff: .*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    assert f"campaigns.yaml 第{entry_line}行: 缺少必填键 “data_cutoff”(条目 haian_2025_summary)" in load_error(folder)


def test_every_error_of_every_file_is_listed_at_once(tmp_path):
    folder = copy_catalog(tmp_path)
    first = misspell(folder / "indicators.yaml", r"^  (responsible):", "respnsible")
    second = misspell(folder / "indicators.yaml", r"^  (attribute):", "atribute")
    third = misspell(folder / "catalog.yaml", r"^(office):", "offce")
    message = load_error(folder)
    assert "有 3 处错误" in message
    assert f"indicators.yaml 第{first}行: 未知键 “respnsible”" in message
    assert f"indicators.yaml 第{second}行: 未知键 “atribute”" in message
    assert f"catalog.yaml 第{third}行: 未知键 “offce”,是否应为 “office”?" in message


def test_a_key_written_twice_is_an_error(tmp_path):
    folder = copy_catalog(tmp_path)
    path = folder / "catalog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "city: 另一市\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n")
    assert f"catalog.yaml 第{line}行: 键 “city” 重复出现(只有最后一个生效)" in load_error(folder)


def test_a_unit_entry_may_not_say_its_kind(tmp_path):
    folder = copy_catalog(tmp_path)
    line = misspell(folder / "units.yaml", r"code: development_reform(), name:", ", kind: town")
    assert f"units.yaml 第{line}行: 不要写 kind" in load_error(folder)


@pytest.mark.parametrize("version", ["1", ""])
def test_schema_version_1_or_none_loads(tmp_path, version):
    folder = copy_catalog(tmp_path)
    if version:
        path = folder / "catalog.yaml"
        path.write_text(f"schema_version: {version}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_catalog(folder).city == "海安市"


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2", "catalog.yaml 第1行: 目录格式版本 schema_version 2 不受支持(本程序支持:1);请升级 planeval"),
        ("0", "catalog.yaml 第1行: schema_version 应为正整数(当前目录格式版本为 1),实为 “0”"),
        ("v1", "catalog.yaml 第1行: schema_version 应为正整数(当前目录格式版本为 1),实为 “v1”"),
    ],
)
def test_an_unknown_schema_version_is_refused_before_anything_else(tmp_path, version, expected):
    folder = copy_catalog(tmp_path)
    path = folder / "catalog.yaml"
    path.write_text(f"schema_version: {version}\nnew_key: x\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    message = load_error(folder)
    assert expected in message
    assert "有 1 处错误" in message  # the keys of another format are not judged by this one's


def test_a_key_the_mapping_already_has_is_not_suggested(tmp_path):
    folder = copy_catalog(tmp_path)
    path = folder / "catalog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  form: forms.yaml\n", encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n")
    message = load_error(folder)
    assert f"catalog.yaml 第{line}行: 未知键 “form”(可用的键:units、campaigns、forms、indicators" in message
    assert "是否应为" not in message


def test_an_empty_manifest_names_what_it_needs(tmp_path):
    folder = copy_catalog(tmp_path)
    (folder / "catalog.yaml").write_text("", encoding="utf-8")
    message = load_error(folder)
    assert "有 3 处错误" in message
    for key in ("city", "office", "files"):
        assert f"catalog.yaml: 缺少必填键 “{key}”" in message
