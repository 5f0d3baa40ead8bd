"""A collection pass is mapped per batch of whole units, not per file (docs/performance.md)."""

from __future__ import annotations

import pytest

from planeval.stages.collect import batch_label, plan_batches

UNITS = [("a", "市发改委"), ("b", "市应急管理局"), ("c", "市财政局"), ("d", "市水利局")]


def _files(unit: str, count: int) -> list[dict]:
    return [{"unit_code": unit, "path": f"/drop/{unit}/inbox/{n}.xlsx"} for n in range(count)]


def test_units_stay_whole_and_batches_fill_up_to_the_limit_in_catalog_order():
    files = _files("c", 2) + _files("a", 3) + _files("b", 2)
    batches = plan_batches(files, UNITS, max_files=5)
    assert [b["units"] for b in batches] == [["a", "b"], ["c", "d"]]  # d sends nothing: it joins the last batch
    assert [len(b["files"]) for b in batches] == [5, 2]
    assert [b["label"] for b in batches] == ["市发改委 等2个单位 · 5份", "市财政局 · 2份"]
    assert sorted(f["path"] for b in batches for f in b["files"]) == sorted(f["path"] for f in files)


def test_a_unit_larger_than_the_limit_is_one_batch_of_its_own():
    batches = plan_batches(_files("a", 1) + _files("b", 7), UNITS, max_files=5)
    assert [(b["units"], len(b["files"])) for b in batches] == [(["a"], 1), (["b", "c", "d"], 7)]
    assert batches[1]["label"] == "市应急管理局 · 7份"


def test_an_empty_pass_is_one_batch_holding_every_unit():
    (batch,) = plan_batches([], UNITS, max_files=5)
    assert batch == {"units": ["a", "b", "c", "d"], "files": [], "label": "无待收文件"}


def test_files_of_a_unit_the_catalog_does_not_list_are_refused():
    with pytest.raises(ValueError, match="不在目录中"):
        plan_batches(_files("zz", 1), UNITS, max_files=5)


def test_label_names_one_unit_or_the_first_and_the_count():
    assert batch_label(["市应急管理局"], 3) == "市应急管理局 · 3份"
    assert batch_label(["第1县发改委", "第1县教体局"], 9) == "第1县发改委 等2个单位 · 9份"
