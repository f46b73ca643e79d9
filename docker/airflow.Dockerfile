# Airflow with linguaflow: scheduler, api-server, dag-processor, triggerer and workers.
# Build from the repository root:  docker build -f docker/airflow.Dockerfile -t linguaflow/airflow:0.1.0 .
FROM apache/airflow:3.3.2-python3.11

# Crash recovery: a worker that dies is noticed after 40 s without a heartbeat; the task is then
# retried after LINGUAFLOW_UNCLASSIFIED_RETRY_DELAY_S (30 s): back at work within ~90 s.
ENV AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=40 \
    AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL=5

COPY --chown=airflow:0 requirements.txt pyproject.toml /opt/linguaflow/
RUN pip install --no-cache-dir -r /opt/linguaflow/requirements.txt

COPY --chown=airflow:0 include /opt/linguaflow/include
RUN pip install --no-cache-dir --no-deps /opt/linguaflow

COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
