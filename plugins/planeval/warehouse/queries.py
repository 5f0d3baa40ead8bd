"""Reads of the warehouse that a stage needs beside staging: what a unit has sent before in a campaign.

May import: planeval.warehouse.db.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from planeval.warehouse.db import fetch_all


def earlier_uploads(engine: Engine, campaign_code: str, unit_codes: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Every earlier upload of these units in the campaign by (unit, SHA-256): a re-upload is recognised."""
    rows = fetch_all(engine, "select_earlier_uploads", campaign_code=campaign_code, unit_ids=sorted(unit_codes))
    return {(row["unit_code"], row["sha256"]): row for row in rows}


def accepted_document_paths(engine: Engine, campaign_code: str, unit_codes: list[str]) -> dict[str, list[str]]:
    """Per unit, the archived Word documents of its accepted submissions in the campaign."""
    paths: dict[str, list[str]] = {}
    for row in fetch_all(engine, "select_accepted_documents", campaign_code=campaign_code, unit_ids=unit_codes):
        paths.setdefault(row["unit_code"], []).append(row["archive_path"])
    return paths


def current_values(
    engine: Engine, campaign_code: str, unit_codes: list[str]
) -> dict[str, dict[tuple[str, int], tuple[float, int]]]:
    """Per unit, its currently accepted figures: (indicator, year) → (value, version)."""
    previous: dict[str, dict[tuple[str, int], tuple[float, int]]] = {}
    for row in fetch_all(engine, "select_current_values", campaign_code=campaign_code, unit_ids=unit_codes):
        previous.setdefault(row["unit_code"], {})[(row["indicator_code"], row["year"])] = (row["value"], row["version"])
    return previous


def figure_notes(engine: Engine, campaign_code: str) -> list[dict[str, Any]]:
    """The campaign's indicator rows that carry notes for the office (``indicator_result.conflict``), by plan
    and table order: the office settles them (需核定的事项)."""
    return fetch_all(engine, "select_figure_notes", campaign_code=campaign_code)


def explained_anomalies(engine: Engine, campaign_code: str) -> list[dict[str, Any]]:
    """The warned values (警告) of the units' current indicator tables accepted with a 上报说明, with the
    warning each answers, by plan, indicator, unit and year: the office's list of explained anomalies."""
    return fetch_all(engine, "select_explained_anomalies", campaign_code=campaign_code)
