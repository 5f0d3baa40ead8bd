"""The production compose file: CeleryExecutor on PostgreSQL + Redis, workers sharing PLANEVAL_HOME."""

from __future__ import annotations

import yaml

from planeval.settings import REPO_ROOT


def test_compose_runs_celery_on_postgres_and_redis_with_a_shared_home():
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    airflow = {name: s for name, s in services.items() if name.startswith("airflow-")}
    assert {"postgres", "redis"} <= set(services)
    assert {"airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-worker"} <= set(
        airflow
    )
    for name, service in airflow.items():
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql"), name
        assert env["PLANEVAL_DB_URL"].startswith("postgresql"), name
        assert env["GX_ANALYTICS_ENABLED"] == "false", name
        assert "planeval-home:/opt/planeval-home" in service["volumes"], name
    init_script = services["airflow-init"]["command"][-1]
    assert "airflow pools set planeval_warehouse" in init_script and "planeval init" in init_script
