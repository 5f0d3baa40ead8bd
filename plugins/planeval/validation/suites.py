"""The Great Expectations side of validation: the suites in ``expectations/`` run in one ephemeral context per
batch, and the catalog facts the suites refer to as ``$PARAMETER``.

May import: planeval.catalog, planeval.settings."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from planeval.catalog import Catalog
from planeval.settings import EXPECTATIONS_DIR, disable_gx_analytics

SUITES = (
    "tables.columns",
    "indicator_table.rows",
    "indicator_table.cells",
    "project_table.rows",
    "task_table.rows",
    "contacts.rows",
)


def load_suite_file(name: str, folder: Path = EXPECTATIONS_DIR) -> dict:
    with (folder / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


class GxRunner:
    """One ephemeral GX context for a whole batch: suites are read from ``expectations/`` once.

    With ``data_docs_dir``, every run goes through a Checkpoint whose UpdateDataDocsAction writes GX Data
    Docs there (the suites and this pass's validation results, for admins); without it (benchmarks, unit
    tests) the validation definitions run directly.
    """

    DATA_DOCS_SITE = "planeval"

    def __init__(self, suites_folder: Path = EXPECTATIONS_DIR, data_docs_dir: Path | None = None) -> None:
        disable_gx_analytics()
        import great_expectations as gx

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = {"globally": False}
        self.data_docs_dir = data_docs_dir
        if data_docs_dir is not None:
            self.context.add_data_docs_site(
                site_name=self.DATA_DOCS_SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(data_docs_dir),
                    },
                },
            )
        datasource = self.context.data_sources.add_pandas("submissions")
        self._definitions = {}
        self._checkpoints = {}
        for name in SUITES:
            suite = self.context.suites.add(gx.ExpectationSuite(**load_suite_file(name, suites_folder)))
            batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
            self._definitions[name] = definition
            if data_docs_dir is not None:
                from great_expectations.checkpoint import UpdateDataDocsAction

                self._checkpoints[name] = self.context.checkpoints.add(
                    gx.Checkpoint(
                        name=name,
                        validation_definitions=[definition],
                        actions=[UpdateDataDocsAction(name="data_docs", site_names=[self.DATA_DOCS_SITE])],
                        result_format="COMPLETE",
                    )
                )

    def _run(self, suite: str, frame: pd.DataFrame, parameters: dict):
        if suite in self._checkpoints:
            result = self._checkpoints[suite].run(
                batch_parameters={"dataframe": frame}, expectation_parameters=parameters
            )
            return next(iter(result.run_results.values()))
        return self._definitions[suite].run(
            batch_parameters={"dataframe": frame}, expectation_parameters=parameters, result_format="COMPLETE"
        )

    def failures(self, suite: str, frame: pd.DataFrame, parameters: dict) -> list[tuple[int, dict]]:
        """(row index, expectation meta) for every failing row of ``frame``."""
        if frame.empty:
            return []
        result = self._run(suite, frame, parameters)
        failed: list[tuple[int, dict]] = []
        for item in result.results:
            if item.exception_info and item.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX expectation failed to run in {suite}: {item.exception_info}")
            if item.success:
                continue
            meta = dict(item.expectation_config.meta or {})
            failed += [(int(index), meta) for index in item.result.get("unexpected_index_list") or []]
        return failed


def suite_parameter_names(suite: dict) -> set[str]:
    """The ``$PARAMETER`` names a suite file refers to."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "$PARAMETER" in node:
                found.add(node["$PARAMETER"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(suite.get("expectations", []))
    return found


def suite_parameters(catalog: Catalog) -> dict:
    """Catalog facts the suites refer to as ``$PARAMETER``."""
    return {
        "allowed_unit_indicators": sorted(
            f"{unit}|{indicator.code}" for indicator in catalog.indicators for unit in indicator.responsible
        ),
        "allowed_unit_projects": sorted(
            f"{unit}|{project.code}" for project in catalog.projects for unit in project.responsible
        ),
        "ratings": list(catalog.forms.indicator_table.ratings) if catalog.forms.indicator_table else [],
        "allowed_unit_tasks": sorted(
            f"{unit}|{task.code}" for task in catalog.tasks for unit in (*task.lead, *task.cooperating)
        ),
        "task_statuses": list(catalog.forms.task_table.ratings) if catalog.forms.task_table else [],
    }
