"""The values for the official Airflow Helm chart (deploy/helm/), checked offline: no Helm binary,
chart or cluster here. Every key they set must exist in the chart's values schema (its key tree,
extracted into deploy/helm/airflow-chart-values-keys.json, closed objects rejecting unknown keys)
with a value of the schema's type; then what linguaflow needs of them: Celery workers for every
queue the DAGs use, each scaled by KEDA on its own queues, the asr ones on the GPU pool with one
GPU and one task each, both releases on one database, broker and execution API, and every
LINGUAFLOW_* variable a real setting."""

import json

import pytest
import yaml

from linguaflow.orchestration import k8s
from linguaflow.settings import Settings

from conftest import REPO

HELM = REPO / "deploy" / "helm"
TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
         "object": dict, "null": type(None)}


def _values(name: str) -> dict:
    return yaml.safe_load((HELM / name).read_text())


def _schema() -> dict:
    return json.loads((HELM / "airflow-chart-values-keys.json").read_text())


def _unknown_keys(values: dict, node: dict, path: str = "") -> list[str]:
    """Keys of `values` the schema node does not allow, and values of the wrong type."""
    errors = []
    for key, value in values.items():
        where = f"{path}.{key}".lstrip(".")
        child = (node.get("properties") or {}).get(key)
        if child is None:
            if not node.get("open"):
                errors.append(f"{where}: no such key")
            continue
        kinds = child["type"] if isinstance(child["type"], list) else [child["type"]] if child["type"] else []
        if kinds and not isinstance(value, tuple(TYPES[k] for k in kinds)) or (isinstance(value, bool) and kinds and "boolean" not in kinds):
            errors.append(f"{where}: {type(value).__name__} where the chart wants {kinds}")
        if isinstance(value, dict) and child.get("properties"):
            errors += _unknown_keys(value, child, where)
        if isinstance(value, list) and child.get("items", {}).get("properties"):
            errors += [e for item in value for e in _unknown_keys(item, child["items"], where + "[]")]
    return errors


@pytest.mark.parametrize("name", ["values.yaml", "values-asr-workers.yaml"])
def test_every_key_exists_in_the_chart_with_its_type(name):
    assert _unknown_keys(_values(name), _schema()) == []


def test_the_check_rejects_what_the_chart_would():
    # the checker itself: a misspelt key, a key under a closed object, a wrong type
    schema = _schema()
    assert _unknown_keys({"workers": {"kedaa": {}}}, schema) == ["workers.kedaa: no such key"]
    assert _unknown_keys({"workers": {"keda": {"enabled": "yes"}}}, schema)
    assert _unknown_keys({"env": [{"name": "A", "vaule": "b"}]}, schema) == ["env[].vaule: no such key"]
    assert _unknown_keys({"config": {"celery": {"worker_concurrency": 2}}}, schema) == []  # config is open


def _queues(values: dict) -> set[str]:
    command = values["workers"]["args"][-1].split()
    return set(command[command.index("-q") + 1].split(","))


def _env(values: dict) -> dict:
    return {e["name"]: e["value"] for e in values["env"]}


def test_a_worker_group_per_queue_each_scaled_on_its_own_queues():
    main, asr = _values("values.yaml"), _values("values-asr-workers.yaml")
    defaults = Settings()
    env = _env(main)
    needed = {"default", env.get("LINGUAFLOW_ASR_QUEUE", defaults.asr_queue), env.get("LINGUAFLOW_MT_QUEUE", defaults.mt_queue)}
    assert _queues(main) | _queues(asr) == needed and not _queues(main) & _queues(asr)
    assert _queues(asr) == {env.get("LINGUAFLOW_ASR_QUEUE", defaults.asr_queue)}
    for values in (main, asr):
        assert values["executor"] == "CeleryExecutor"
        keda = values["workers"]["keda"]
        assert keda["enabled"] and keda["maxReplicaCount"] >= max(1, keda["minReplicaCount"])
        query = " ".join(keda["query"].split())
        # the query counts the tasks of exactly this group's queues, and waiting ones (a pool holds
        # waiting tasks `scheduled`), per worker slot
        assert all(f"'{q}'" in query for q in _queues(values)) and "'scheduled'" in query
        assert f"/ {values['config']['celery']['worker_concurrency']})" in query


def test_the_asr_workers_take_one_gpu_each_on_the_gpu_pool():
    asr = _values("values-asr-workers.yaml")
    workers = asr["workers"]
    pod = k8s.PodConfig.from_settings()  # the same pool, taint and models claim as the GPU pods
    assert workers["nodeSelector"] == pod.node_selector
    assert {"key": pod.gpu_toleration_key, "operator": "Exists", "effect": "NoSchedule"} in workers["tolerations"]
    assert [v["persistentVolumeClaim"]["claimName"] for v in workers["extraVolumes"]] == [pod.models_pvc]
    assert workers["resources"]["limits"]["nvidia.com/gpu"] == "1" and asr["config"]["celery"]["worker_concurrency"] == 1
    # host memory at least what the GPU pod of the same model gets (measured peak plus headroom)
    assert workers["resources"]["requests"]["memory"] == k8s.resources_for("base")["memory"]
    assert asr["defaultAirflowTag"].endswith("-cuda") and _env(asr)["LINGUAFLOW_ASR_DEVICE"] == "cuda"
    assert {m["mountPath"] for m in workers["extraVolumeMounts"]} == {_env(asr)["LINGUAFLOW_ASR_MODEL_ROOTS"]}


def test_both_releases_share_database_broker_keys_and_execution_api():
    main, asr = _values("values.yaml"), _values("values-asr-workers.yaml")
    shared = ("data", "fernetKeySecretName", "jwtSecretName", "apiSecretKeySecretName", "airflowVersion", "defaultAirflowRepository")
    assert all(main[k] == asr[k] for k in shared)
    assert asr["config"]["core"]["execution_api_server_url"].startswith("http://linguaflow-api-server:")
    # the same storage, results, cache and model roots wherever a task runs
    for key in ("LINGUAFLOW_WORK_ROOT", "LINGUAFLOW_ASR_MODEL_ROOTS", "LINGUAFLOW_ASR_QUEUE", "LINGUAFLOW_ASR_POOL"):
        assert _env(main)[key] == _env(asr)[key], key
    assert main["secret"] == asr["secret"] and {"LINGUAFLOW_MONGO_URI", "LINGUAFLOW_REDIS_URL"} <= {s["envName"] for s in asr["secret"]}
    # the worker-only release runs no second Airflow
    assert not any(asr[c]["enabled"] for c in ("scheduler", "triggerer", "dagProcessor", "redis", "postgresql", "migrateDatabaseJob"))
    assert asr["apiServer"]["replicas"] == 0
    pins = (REPO / "requirements.txt").read_text()
    assert f"apache-airflow=={main['airflowVersion']}\n" in pins


def test_every_linguaflow_variable_is_a_setting_and_no_secret_is_inline():
    known = set(Settings.model_fields)
    for name in ("values.yaml", "values-asr-workers.yaml"):
        values = _values(name)
        names = [e["name"] for e in values["env"]] + [s["envName"] for s in values["secret"]]
        assert all(n.removeprefix("LINGUAFLOW_").lower() in known for n in names if n.startswith("LINGUAFLOW_")), name
        assert not any(k in json.dumps(values).lower() for k in ("password:", "secret_access_key\": \"", "fernetkey\": \""))
        assert "fernetKey" not in values and "jwtSecret" not in values and "password" not in values.get("redis", {})
