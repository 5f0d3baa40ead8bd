"""A warehouse that cannot be reached fails the task with a message the office can act on; the files stay."""

from __future__ import annotations

import shutil

import pytest
from helpers import filled_form

from planeval.settings import get_settings
from planeval.stages import collect
from planeval.warehouse.db import WarehouseUnavailable


def test_an_unreachable_database_fails_clearly_and_keeps_every_file(home, catalog, campaign, tmp_path, monkeypatch):
    source = filled_form(catalog, campaign, "emergency", tmp_path)
    inbox = get_settings().inbox("emergency")
    inbox.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, inbox / source.name)
    monkeypatch.setenv("PLANEVAL_DB_URL", "postgresql+psycopg://postgres@127.0.0.1:9/planeval?connect_timeout=2")
    (found,) = collect.discover()
    with pytest.raises(WarehouseUnavailable, match=r"数据仓库暂时无法连接或被锁定.*文件不会丢失"):
        collect.archive(found, "pass-down")
    assert (inbox / source.name).read_bytes() == source.read_bytes()
    assert not any(path.is_file() for path in get_settings().archive_dir.rglob("*"))  # nothing without its row
    monkeypatch.delenv("PLANEVAL_DB_URL")
    (result,) = collect.run_collect()  # the database is back: the next pass takes it
    assert result["status"] == "accepted" and not (inbox / source.name).exists()
