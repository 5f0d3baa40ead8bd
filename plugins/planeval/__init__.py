"""planeval: the assessment of a city's work-safety and emergency-management plans.

One sub-package per stage, each importing only the ones below it (tests/unit/test_layers.py holds the
order): foundation modules (``settings``, ``records``, ``files``, ``dates``) → ``catalog`` → ``intake`` →
``warehouse`` → ``assessment`` → ``validation`` → ``monitoring`` → ``reporting`` → ``stages`` (what each DAG
task calls) → ``ui`` (command line, demo, Airflow runner, approval client).
"""
