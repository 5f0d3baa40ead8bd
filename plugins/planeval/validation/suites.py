"""The Great Expectations side of validation: the suites in ``expectations/`` run in one ephemeral context per
batch, and the catalog facts the suites refer to as ``$PARAMETER``.

May import: planeval.catalog, planeval.settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, cast

import pandas as pd

from planeval.catalog import Catalog
from planeval.settings import EXPECTATIONS_DIR, disable_gx_analytics, quiet_gx_logging

if TYPE_CHECKING:  # GX is imported when a runner starts (it is slow to import)
    from great_expectations.core import ExpectationSuiteValidationResult, ValidationDefinition

SUITES = (
    "tables.columns",
    "indicator_table.rows",
    "indicator_table.cells",
    "project_table.rows",
    "task_table.rows",
    "contacts.rows",
)


SuiteFile = dict[str, Any]  # a suite as stored in expectations/*.json (GX's JSON, parsed)
SuiteParameters = dict[str, list[str]]  # $PARAMETER name → the catalog values it stands for


class ExpectationMeta(TypedDict, total=False):
    """The ``meta`` of an expectation in our suite files: how its failing rows become Issues."""

    code: str
    message: str  # Chinese, with {column} placeholders filled from the failing row
    severity: str  # "warning", else an error
    cell_column: str | None  # the frame column holding the failing cell's letter


def load_suite_file(name: str, folder: Path = EXPECTATIONS_DIR) -> SuiteFile:
    with (folder / f"{name}.json").open(encoding="utf-8") as handle:
        suite: SuiteFile = json.load(handle)
    return suite


class GxRunner:
    """One ephemeral GX context for a whole batch: suites are read from ``expectations/`` once.

    The validation definitions run directly; each result is kept in the context's (in-memory) results store.
    With ``data_docs_dir``, ``publish`` renders GX Data Docs there once for the whole batch (the suites and
    this batch's validation results, for admins): a Checkpoint with an UpdateDataDocsAction would rebuild the
    site after every run, which took more than half of a city's collection pass (docs/performance.md).
    """

    DATA_DOCS_SITE = "planeval"

    def __init__(self, suites_folder: Path = EXPECTATIONS_DIR, data_docs_dir: Path | None = None) -> None:
        disable_gx_analytics()
        import great_expectations as gx

        quiet_gx_logging()

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        # GX reads this setting as a mapping (Validator._determine_progress_bars); the setter is annotated with
        # its config class only
        self.context.variables.progress_bars = {"globally": False}  # type: ignore[assignment]
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
        self._definitions: dict[str, ValidationDefinition] = {}
        for name in SUITES:
            suite = self.context.suites.add(gx.ExpectationSuite(**load_suite_file(name, suites_folder)))
            batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite)
            )
            self._definitions[name] = definition
        self._ran = False

    def _run(self, suite: str, frame: pd.DataFrame, parameters: SuiteParameters) -> ExpectationSuiteValidationResult:
        self._ran = True
        return self._definitions[suite].run(
            batch_parameters={"dataframe": frame}, expectation_parameters=parameters, result_format="COMPLETE"
        )

    def publish(self) -> None:
        """Render the Data Docs site once for every result of this context (nothing without a folder or a run)."""
        if self.data_docs_dir is not None and self._ran:
            self.context.build_data_docs(site_names=[self.DATA_DOCS_SITE])

    def failures(
        self, suite: str, frame: pd.DataFrame, parameters: SuiteParameters
    ) -> list[tuple[int, ExpectationMeta]]:
        """(row index, expectation meta) for every failing row of ``frame``."""
        if frame.empty:
            return []
        result = self._run(suite, frame, parameters)
        failed: list[tuple[int, ExpectationMeta]] = []
        for item in result.results:
            if item.exception_info and item.exception_info.get("raised_exception"):
                raise RuntimeError(f"GX expectation failed to run in {suite}: {item.exception_info}")
            if item.success:
                continue
            config = item.expectation_config
            assert config is not None, f"GX result without its expectation in {suite}"  # a suite run sets it
            meta = cast(ExpectationMeta, dict(config.meta or {}))
            failed += [(int(index), meta) for index in item.result.get("unexpected_index_list") or []]
        return failed


def suite_parameter_names(suite: SuiteFile) -> set[str]:
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


def suite_parameters(catalog: Catalog) -> SuiteParameters:
    """Catalog facts the suites refer to as ``$PARAMETER``."""
    return {
        "allowed_unit_indicators": sorted(
            f"{unit}|{indicator.code}"
            for indicator in catalog.indicators
            for unit in (*indicator.responsible, *indicator.cooperating)
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
