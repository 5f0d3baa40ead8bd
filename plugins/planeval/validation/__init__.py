"""Validation of a batch of submissions: long frames of cells (``frames``) through the Great Expectations
suites of ``expectations/`` (``suites``), cross-row rules (``rules``), a Verdict per submission (``batch``).
A new value check goes into a suite JSON file when one frame row can state it, else into ``rules``.

May import: planeval.catalog, planeval.intake, planeval.assessment (the 年均/累计 arithmetic) and the
foundation modules.
"""
