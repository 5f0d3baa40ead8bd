# Production image: the official Airflow image (it carries the Celery, Redis and PostgreSQL providers) plus
# planeval with the exact versions of uv.lock, and a CJK font so reports and charts render Chinese text.
ARG AIRFLOW_VERSION=3.3.2
FROM apache/airflow:${AIRFLOW_VERSION}-python3.11

USER root
# the packages the demo needs (the CJK font), from the one list (system-packages.txt) make and .ci/run read
COPY system-packages.txt /tmp/system-packages.txt
RUN apt-get update \
    && awk '!/^#/ && $2 == "demo" {print $1}' /tmp/system-packages.txt \
       | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/system-packages.txt
COPY docker/fonts.conf /etc/fonts/conf.d/60-planeval-official-fonts.conf
USER airflow

COPY --chown=airflow:root pyproject.toml uv.lock README.md /opt/planeval/
RUN pip install --no-cache-dir uv==0.13.9 \
    && cd /opt/planeval \
    && uv export --frozen --no-dev --no-hashes --no-emit-project -o /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt
COPY --chown=airflow:root . /opt/planeval
RUN pip install --no-cache-dir --no-deps /opt/planeval
