"""Comparing names and headers as people type them: one normal form for every match against the catalog.

Imports nothing of planeval."""

from __future__ import annotations

import re
import unicodedata


def normalise_text(text: object) -> str:
    """Canonical form used to compare names and headers typed by people.

    NFKC folds full-width letters, digits and brackets; all whitespace (including line breaks inside a
    header cell such as ``规划\\n属性``) is dropped.
    """
    if text is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()
