# Airflow with linguaflow: scheduler, api-server, dag-processor, triggerer and workers.
# Build from the repository root:  docker build -f docker/airflow.Dockerfile -t linguaflow/airflow:0.1.0 .
FROM apache/airflow:3.3.2-python3.11

COPY --chown=airflow:0 requirements.txt pyproject.toml /opt/linguaflow/
RUN pip install --no-cache-dir -r /opt/linguaflow/requirements.txt

COPY --chown=airflow:0 include /opt/linguaflow/include
RUN pip install --no-cache-dir --no-deps /opt/linguaflow

COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
