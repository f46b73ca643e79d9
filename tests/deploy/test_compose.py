"""The Compose file of a production-like cluster, checked offline (no Docker engine here): it
parses, every service has an image and a command, the Airflow services share one configuration on
the CeleryExecutor, there is a worker per queue the DAGs use, the asr worker reserves a GPU, and
every dependency and volume it names exists."""

import yaml

from linguaflow.settings import Settings

from conftest import REPO

AIRFLOW_PROCESSES = {"api-server", "scheduler", "dag-processor", "triggerer"}


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker" / "compose.yaml").read_text())


def test_every_service_has_an_image_a_command_and_known_dependencies():
    services = _compose()["services"]
    assert {"postgres", "redis", "mongo", "minio", "airflow-init"} | AIRFLOW_PROCESSES <= set(services)
    for name, svc in services.items():
        assert svc.get("image"), name
        for dep in svc.get("depends_on") or {}:
            assert dep in services, (name, dep)
    for name in AIRFLOW_PROCESSES:
        assert services[name]["command"] == [name]
        assert services[name]["image"].startswith("linguaflow/airflow:")
    volumes = set(_compose()["volumes"])
    for name, svc in services.items():
        for v in svc.get("volumes") or []:
            assert v.split(":")[0] in volumes, (name, v)


def test_a_celery_worker_per_queue_and_a_gpu_for_transcription():
    services = _compose()["services"]
    env = services["scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor" and env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
    workers = {name: svc["command"] for name, svc in services.items() if svc.get("command", [None])[0] == "celery"}
    queues = {cmd[cmd.index("-q") + 1] for cmd in workers.values()}
    defaults = Settings()
    assert {"default", env.get("LINGUAFLOW_ASR_QUEUE", defaults.asr_queue), env.get("LINGUAFLOW_MT_QUEUE", defaults.mt_queue)} <= queues
    asr = next(svc for svc in services.values() if svc.get("command", [None])[0] == "celery" and "asr" in svc["command"])
    device = asr["deploy"]["resources"]["reservations"]["devices"][0]
    assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"] and device["count"] == 1
    assert asr["command"][asr["command"].index("-c") + 1] == "1"  # one transcription per GPU
    assert asr["image"].endswith("-cuda") and env["LINGUAFLOW_ASR_DEVICE"] in ("cuda", "auto")
    # every Airflow process sees the same configuration, the pool the transcribe task uses is created
    assert all(services[n]["environment"] == env for n in AIRFLOW_PROCESSES | set(workers))
    assert f"pools set {env['LINGUAFLOW_ASR_POOL']} " in " ".join(services["airflow-init"]["command"])
    known = set(Settings.model_fields)
    assert all(k.removeprefix("LINGUAFLOW_").lower() in known for k in env if k.startswith("LINGUAFLOW_"))
