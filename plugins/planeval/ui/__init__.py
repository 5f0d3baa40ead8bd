"""Where people work with planeval: the command line (``cli``), the demo (``demo``), running the DAGs
through Airflow (``airflow_runner``) and answering the office's approval (``approval``).

May import everything below it.
"""
