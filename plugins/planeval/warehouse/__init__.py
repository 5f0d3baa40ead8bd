"""The SQL warehouse: engines and the statements of ``sql/`` (``db``), the schema's migrations (``migrate``,
``migrations/``), staging of validated submissions (``staging``) and the reads the stages need
(``queries``). SQLite is the embedded default; PostgreSQL in production.

May import: planeval.catalog, planeval.intake (the typed cells it stages) and the foundation modules.
"""
