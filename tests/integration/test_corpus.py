"""The bad-input corpus (tests/data/corpus): every file dropped at once, one collection pass, and each
receipt checked against expected.yaml. None crashes the run, none blocks the others, every original is kept."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml

from planeval.stages import collect, setup

CORPUS = Path(__file__).parents[1] / "data" / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """One pass over the whole corpus, in a home of its own."""
    home = tmp_path_factory.mktemp("corpus") / "home"
    generated = tmp_path_factory.mktemp("generated")
    patch = pytest.MonkeyPatch()
    patch.setenv("PLANEVAL_HOME", str(home))
    patch.delenv("PLANEVAL_DB_URL", raising=False)
    patch.setenv("PLANEVAL_SETTLE_SECONDS", "0")
    try:
        sys.path.insert(0, str(CORPUS))
        from build_corpus import build_generated

        build_generated(generated)
        setup.init_units()
        originals = {}
        for entry in EXPECTED:
            source = (generated if entry.get("generated") else CORPUS / "files") / entry["file"]
            shutil.copyfile(source, home / "drop" / entry["unit"] / "inbox" / entry["file"])
            originals[entry["file"]] = source
        started = time.perf_counter()
        summary = collect.run_collect()
        elapsed = time.perf_counter() - started
        yield {"home": home, "summary": summary, "originals": originals, "elapsed": elapsed}
    finally:
        sys.path.remove(str(CORPUS))
        patch.undo()


def test_corpus_is_large_enough_and_the_pass_takes_every_file(collected):
    assert len(EXPECTED) >= 40
    assert len(collected["summary"]) == len(EXPECTED)
    assert not list(collected["home"].glob("drop/*/inbox/*"))  # nothing left behind, nothing lost
    assert collected["elapsed"] < 300  # a guard against a hang, not a speed target (bench/ measures speed)


@pytest.mark.parametrize("entry", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_receipt(entry, collected):
    home = collected["home"]
    receipt = json.loads((home / "drop" / entry["unit"] / "receipts" / f"{entry['file']}.json").read_text("utf-8"))
    assert receipt["status"] == entry["status"], receipt["errors"]
    expected_codes = sorted(e if isinstance(e, str) else e["code"] for e in entry["errors"])
    assert sorted(e["code"] for e in receipt["errors"]) == expected_codes
    for wanted in (e for e in entry["errors"] if isinstance(e, dict)):
        place = {key: wanted[key] for key in ("sheet", "row", "column") if key in wanted}
        matches = [e for e in receipt["errors"] if e["code"] == wanted["code"]]
        assert any(all(e[key] == value for key, value in place.items()) for e in matches), (wanted, matches)
    warning_codes = {w["code"] for w in receipt["warnings"] + receipt["notices"]}  # 警告 and 提示
    assert set(entry["warnings"]) <= warning_codes
    for issue in receipt["errors"] + receipt["warnings"] + receipt["notices"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in issue["message"]), issue
    (kept,) = (home / "archive" / entry["unit"]).glob(f"*_{entry['file']}")
    assert kept.read_bytes() == collected["originals"][entry["file"]].read_bytes()
