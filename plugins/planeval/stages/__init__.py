"""The stages as plain functions over keys and paths: what each DAG task and the command line call.
``context`` resolves the campaign once; ``setup``, ``collect``, ``monitor`` and ``year_end`` are the stages;
``assets`` the Airflow Assets the DAGs exchange. A new campaign kind starts in the catalog
(``catalog/model.py: Campaign.kind``) and gets its documents in ``year_end.render_reports``.

May import every stage package below it; nothing here holds state between calls.
"""
