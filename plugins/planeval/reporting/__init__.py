"""The documents planeval writes: the docx engine (``render``), phrasing (``words``), the summary report
(``summary``: one builder per report section in ``sections``, from the warehouse facts read by ``facts``;
the report's 问题 section is ``sections.build_problems``), the units' letters (``letters``), the key
projects' documents (``projects``), the units' narrative reports compiled by section (``narratives``:
excerpts for the report, the office's working annex with the full texts), xlsx files (``workbooks``), charts
(``charts``) and punctuation (``typography``). The report's wording lives in its template under ``templates/``
(edit it in Word); sentences drafted from figures live in ``words``.

May import: planeval.catalog, planeval.warehouse, planeval.assessment, planeval.monitoring and the
foundation modules.
"""
