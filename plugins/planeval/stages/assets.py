"""The data planeval's DAGs exchange, as Airflow Assets (one definition, imported by the DAG files).

Imported at DAG parse time: it must stay as light as the DAG files (airflow.sdk only).

``accepted_submissions`` changes whenever a collection pass accepts new data; the municipal indicator
tables are rebuilt on it (data-aware scheduling), so they stay current between year-end runs.
"""

from __future__ import annotations

from airflow.sdk import Asset

ACCEPTED_SUBMISSIONS = Asset("planeval_accepted_submissions")
