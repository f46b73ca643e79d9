# Airflow with linguaflow: scheduler, api-server, dag-processor, triggerer and workers.
# Build from the repository root:  docker build -f docker/airflow.Dockerfile -t linguaflow/airflow:0.1.0 .
# The asr (GPU) Celery workers:  ... --build-arg WITH_CUDA=true -t linguaflow/airflow:0.1.0-cuda .
# (CTranslate2's wheel carries the CUDA kernels; it needs cuBLAS and cuDNN 9 beside it, which come
# as pip wheels; the node provides the NVIDIA driver.)
FROM apache/airflow:3.3.2-python3.11

ARG WITH_CUDA=false

# Crash recovery: a worker that dies is noticed after 40 s without a heartbeat; the task is then
# retried after LINGUAFLOW_UNCLASSIFIED_RETRY_DELAY_S (30 s): back at work within ~90 s.
ENV AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=40 \
    AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL=5

COPY --chown=airflow:0 requirements.txt pyproject.toml /opt/linguaflow/
RUN pip install --no-cache-dir -r /opt/linguaflow/requirements.txt \
 && if [ "$WITH_CUDA" = "true" ]; then \
      pip install --no-cache-dir nvidia-cublas-cu12==12.9.3.13 nvidia-cudnn-cu12==9.27.0.42; \
    fi
# where those wheels put their libraries (pip installs as the airflow user, into ~/.local)
ENV LD_LIBRARY_PATH=/home/airflow/.local/lib/python3.11/site-packages/nvidia/cublas/lib:/home/airflow/.local/lib/python3.11/site-packages/nvidia/cudnn/lib

COPY --chown=airflow:0 include /opt/linguaflow/include
RUN pip install --no-cache-dir --no-deps /opt/linguaflow

COPY --chown=airflow:0 dags /opt/airflow/dags
COPY --chown=airflow:0 plugins /opt/airflow/plugins
