"""The GPU path, offline: the rendered worker pod spec and the pod failure -> retry class mapping.
No cluster can run here, so the Kubernetes API calls of cleanup are the only thing replaced."""

import pytest
from kubernetes.client import models as k8s

from linguaflow.errors import BadInput, NetworkTimeout, ResourceExhausted
from linguaflow.orchestration.k8s import PodConfig, WhisperPodOperator, error_for_pod, whisper_pod_operator


def pod_spec(model="base", **cfg):
    op = whisper_pod_operator("transcribe", "s3://media/a.mp4", "s3://work/t1/transcript.json", "t1", PodConfig(**cfg))
    op.size_for(model)
    return op, op.build_pod_request_obj(dry_run=True)


def test_pod_runs_the_worker_cli_on_one_gpu_of_the_gpu_pool():
    op, pod = pod_spec()
    c = pod.spec.containers[0]
    assert c.image == "linguaflow/whisper-worker:0.1.0"
    assert c.command == ["linguaflow", "transcribe"]
    assert c.args[:4] == ["--input", "s3://media/a.mp4", "--output", "s3://work/t1/transcript.json"]
    assert "--device" in c.args and c.args[c.args.index("--device") + 1] == "cuda"
    assert c.resources.limits["nvidia.com/gpu"] == "1" and c.resources.requests["nvidia.com/gpu"] == "1"
    assert pod.spec.node_selector == {"linguaflow.io/pool": "gpu"}
    assert any(t.key == "nvidia.com/gpu" and t.operator == "Exists" and t.effect == "NoSchedule" for t in pod.spec.tolerations)
    assert pod.metadata.namespace == "linguaflow" and pod.spec.service_account_name == "linguaflow-worker"
    assert pod.metadata.labels["linguaflow.io/task-id"] == "t1"
    assert op.on_finish_action.value == "delete_pod" and op.startup_timeout_seconds == 900


def test_s3_credentials_come_from_a_secret_never_inline():
    _, pod = pod_spec(s3_secret="media-creds")
    c = pod.spec.containers[0]
    assert [e.secret_ref.name for e in c.env_from] == ["media-creds"]
    env = {e.name: e.value for e in c.env or []}
    assert not any("SECRET" in k or "KEY" in k for k in env), env
    assert env["LINGUAFLOW_STORAGE_CONN_ID"] == ""  # the SDK credential chain reads the secret's env


@pytest.mark.parametrize("model,memory,cpu", [("tiny.en", "2Gi", "1"), ("base", "3Gi", "2"), ("large-v3", "12Gi", "4"), ("/models/custom", "12Gi", "4")])
def test_requests_are_sized_per_model(model, memory, cpu):
    _, pod = pod_spec(model)
    r = pod.spec.containers[0].resources
    assert r.requests["memory"] == memory and r.requests["cpu"] == cpu and r.limits["memory"] == memory


def test_models_volume_is_mounted_read_only():
    _, pod = pod_spec(models_pvc="whisper-large")
    assert pod.spec.volumes[0].persistent_volume_claim.claim_name == "whisper-large"
    assert pod.spec.containers[0].volume_mounts[0].mount_path == "/models" and pod.spec.containers[0].volume_mounts[0].read_only


def terminated_pod(exit_code, reason="Error"):
    state = k8s.V1ContainerState(terminated=k8s.V1ContainerStateTerminated(exit_code=exit_code, reason=reason))
    status = k8s.V1PodStatus(phase="Failed" if exit_code else "Succeeded",
                             container_statuses=[k8s.V1ContainerStatus(name="base", state=state, image="i", image_id="i", ready=False, restart_count=0)])
    return k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="whisper-transcribe-x", namespace="linguaflow"), status=status)


def test_pod_exit_codes_map_to_the_retry_table():
    assert isinstance(error_for_pod(terminated_pod(65)), BadInput)
    assert isinstance(error_for_pod(terminated_pod(75)), NetworkTimeout)
    assert isinstance(error_for_pod(terminated_pod(71)), ResourceExhausted)
    assert isinstance(error_for_pod(terminated_pod(137, "OOMKilled")), ResourceExhausted)
    assert error_for_pod(terminated_pod(0, "Completed")) is None
    assert error_for_pod(terminated_pod(1)) is None  # unknown: Airflow's default retries


def test_failed_pod_is_reraised_as_its_class(monkeypatch):
    op, _ = pod_spec()
    monkeypatch.setattr(WhisperPodOperator, "patch_already_checked", lambda *a, **k: None)
    monkeypatch.setattr(WhisperPodOperator, "process_pod_deletion", lambda *a, **k: None)
    monkeypatch.setattr(WhisperPodOperator, "_read_pod_events", lambda *a, **k: None)
    monkeypatch.setattr(WhisperPodOperator, "_read_pod_container_states", lambda *a, **k: None)
    pod = terminated_pod(65)
    with pytest.raises(BadInput, match="exited 65"):
        op.cleanup(pod, pod)


def test_dag_uses_the_pod_when_runner_is_kubernetes(airflow_db, monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    from conftest import REPO

    monkeypatch.setenv("LINGUAFLOW_RUNNER", "kubernetes")
    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    dag = bag.get_dag("linguaflow_media")
    assert isinstance(dag.get_task("transcribe"), WhisperPodOperator)
    assert {"probe", "transcribe", "targets"} <= dag.get_task("translate").upstream_task_ids


def test_the_pod_gets_the_whole_request_so_speakers_and_vocabulary_reach_the_gpu_worker():
    import argparse
    import json

    from linguaflow.cli import transcribe_options

    _, pod = pod_spec()
    args = pod.spec.containers[0].args
    assert args[args.index("--request") + 1] == "{{ ti.xcom_pull(task_ids='probe')['request'] | tojson }}"
    request = {"media_uri": "s3://media/a.mp4", "diarize": True, "num_speakers": 2, "vocabulary": ["Zorvath"], "source_language": "de"}
    flags = argparse.Namespace(request=json.dumps(request), device="cuda", compute_type="float16", task="transcribe",
                               engine="faster-whisper", model="base", language="auto")
    opts = transcribe_options(flags)
    assert (opts.diarize, opts.num_speakers, opts.initial_prompt, opts.language, opts.device) == (True, 2, "Zorvath.", "de", "cuda")
    with pytest.raises(BadInput, match="not JSON"):
        transcribe_options(argparse.Namespace(**{**vars(flags), "request": "{nope"}))
