"""The catalog: a city's plans, indicators, units, projects, work points, campaigns and forms, from YAML.

Every fact about a plan lives once in the catalog folder (``catalog/<city>/``). ``model`` holds the typed
entities, ``catalog`` the whole catalog with its look-ups (and the one campaign resolver), ``schema`` the strict,
versioned schema of the files (lines, closest keys, Chinese errors), ``checks`` its cross-checks, ``load`` reads a
folder, ``layouts`` resolves the forms' columns for a campaign. Imports only ``planeval.catalog.*``; every stage
above may import it.
"""

from planeval.catalog.catalog import CampaignChoiceError, Catalog, CatalogError
from planeval.catalog.load import load_catalog
from planeval.catalog.model import (
    CAMPAIGN_KIND_LABELS,
    FORM_LABELS,
    RATINGS,
    Aspect,
    Campaign,
    Deadline,
    Forms,
    Formula,
    Indicator,
    Measure,
    Plan,
    PlanTask,
    Project,
    ReportSection,
    TableForm,
    Target,
    Unit,
    WorkTask,
    parse_target,
)
from planeval.catalog.text import normalise_text

__all__ = [
    "CAMPAIGN_KIND_LABELS",
    "FORM_LABELS",
    "RATINGS",
    "Aspect",
    "Campaign",
    "CampaignChoiceError",
    "Catalog",
    "CatalogError",
    "Deadline",
    "Forms",
    "Formula",
    "Indicator",
    "Measure",
    "Plan",
    "PlanTask",
    "Project",
    "ReportSection",
    "TableForm",
    "Target",
    "Unit",
    "WorkTask",
    "load_catalog",
    "normalise_text",
    "parse_target",
]
