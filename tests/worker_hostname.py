"""The hostname a test stack's Celery worker reports for the task instances it runs (Airflow's
`[core] hostname_callable`): its node name, so tests can tell workers on one machine apart."""

import os


def hostname() -> str:
    return os.environ["LF_WORKER_HOSTNAME"]
