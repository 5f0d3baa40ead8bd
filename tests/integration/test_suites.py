"""The GX suites in expectations/ against the catalog and the frames: each rule has one source."""

from __future__ import annotations

import json
import shutil

from helpers import filled_form

from planeval.catalog import load_catalog
from planeval.settings import EXPECTATIONS_DIR, REPO_ROOT
from planeval.stages import collect, setup
from planeval.validation.suites import SUITES, load_suite_file, suite_parameter_names, suite_parameters


def test_every_suite_parameter_comes_from_the_catalog():
    for place in ("haian", "wenling"):
        parameters = suite_parameters(load_catalog(REPO_ROOT / "catalog" / place))
        for name in SUITES:
            assert suite_parameter_names(load_suite_file(name)) <= set(parameters), (place, name)
    haian = suite_parameters(load_catalog(REPO_ROOT / "catalog" / "haian"))
    assert haian["ratings"] == ["提前实现", "符合预期", "滞后预期"]  # forms.yaml, not the suite file
    assert "fire_rescue|new_fulltime_firefighters" in haian["allowed_unit_indicators"]


def test_every_expectation_has_a_code_and_a_chinese_message():
    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        assert suite["name"] == path.stem and suite["name"] in SUITES
        codes = [expectation["meta"]["code"] for expectation in suite["expectations"]]
        assert len(codes) == len(set(codes)), path.name  # a code names one rule of a table
        for expectation in suite["expectations"]:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in expectation["meta"]["message"])


def test_data_docs_are_built_for_admins(home, catalog, campaign, tmp_path):
    setup.init_units()
    source = filled_form(catalog, campaign, "emergency", tmp_path)
    shutil.copyfile(source, home / "drop" / "emergency" / "inbox" / source.name)
    collect.run_collect()
    index = home / "data_docs" / "index.html"
    assert index.exists()
    pages = {p.relative_to(home / "data_docs").parts[0] for p in (home / "data_docs").rglob("*.html")}
    assert {"expectations", "validations"} <= pages
    assert "indicator_table.rows" in index.read_text(encoding="utf-8")
