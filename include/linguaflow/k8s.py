"""The GPU path: `transcribe` as a KubernetesPodOperator running `linguaflow transcribe` in the
Whisper worker image on the GPU node pool.

The pod's exit code tells the failure class (see `errors.py`), which is raised again here so the
retry table applies to pods exactly as to in-process transcription.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.providers.cncf.kubernetes.utils.pod_manager import PodLaunchFailedException
from kubernetes.client import models as k8s

from .errors import BY_EXIT_CODE, LinguaflowError, ResourceExhausted

# Requests per model for the GPU worker: host RAM covers decoding, model load and the
# CTranslate2 runtime (measured peak RSS on CPU, see bench/RESULTS.md, plus headroom);
# GPU memory is one whole GPU (`nvidia.com/gpu` is not divisible).
WORKER_RESOURCES = {
    "tiny.en": {"cpu": "1", "memory": "2Gi"},
    "tiny": {"cpu": "1", "memory": "2Gi"},
    "base": {"cpu": "2", "memory": "3Gi"},
    "small": {"cpu": "2", "memory": "4Gi"},
    "medium": {"cpu": "4", "memory": "8Gi"},
    "large-v3": {"cpu": "4", "memory": "12Gi"},
}
DEFAULT_RESOURCES = {"cpu": "4", "memory": "12Gi"}  # an unknown (mounted) model: size for large


def resources_for(model: str) -> dict:
    return WORKER_RESOURCES.get(model.rstrip("/").rsplit("/", 1)[-1], DEFAULT_RESOURCES)


@dataclass(frozen=True)
class PodConfig:
    """Where and how the worker pod runs; every field has a LINGUAFLOW_K8S_* env override."""

    image: str = "linguaflow/whisper-worker:0.1.0"
    namespace: str = "linguaflow"
    service_account: str = "linguaflow-worker"
    node_selector: dict = field(default_factory=lambda: {"linguaflow.io/pool": "gpu"})
    gpu_toleration_key: str = "nvidia.com/gpu"
    s3_secret: str = "linguaflow-s3"  # holds AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL
    models_pvc: str = "whisper-models"  # mounted read-only at /models
    startup_timeout_s: int = 900  # includes waiting for a GPU node to scale up

    @classmethod
    def from_env(cls) -> PodConfig:
        e = os.environ.get
        d = cls()
        selector = e("LINGUAFLOW_K8S_NODE_SELECTOR")
        return cls(
            image=e("LINGUAFLOW_K8S_IMAGE", d.image),
            namespace=e("LINGUAFLOW_K8S_NAMESPACE", d.namespace),
            service_account=e("LINGUAFLOW_K8S_SERVICE_ACCOUNT", d.service_account),
            node_selector=dict(kv.split("=", 1) for kv in selector.split(",")) if selector else d.node_selector,
            s3_secret=e("LINGUAFLOW_K8S_S3_SECRET", d.s3_secret),
            models_pvc=e("LINGUAFLOW_K8S_MODELS_PVC", d.models_pvc),
            startup_timeout_s=int(e("LINGUAFLOW_K8S_STARTUP_TIMEOUT", d.startup_timeout_s)),
        )


def error_for_pod(remote_pod, container: str = "base") -> LinguaflowError | None:
    """The failure class of a finished pod, from its container's exit code or OOM kill."""
    statuses = (getattr(remote_pod, "status", None) and remote_pod.status.container_statuses) or []
    status = next((s for s in statuses if s.name == container), None)
    terminated = status and status.state and status.state.terminated
    if not terminated:
        return None
    if terminated.reason == "OOMKilled" or terminated.exit_code == 137:
        return ResourceExhausted(f"worker pod was OOM-killed ({terminated.reason}, exit {terminated.exit_code})")
    cls = BY_EXIT_CODE.get(terminated.exit_code)
    return cls(f"worker pod exited {terminated.exit_code}: {terminated.message or terminated.reason}") if cls else None


class WhisperPodOperator(KubernetesPodOperator):
    """KubernetesPodOperator that sizes the pod for the run's model and re-raises pod failures as
    the retry table's classes."""

    def size_for(self, model: str) -> None:
        r = resources_for(model)
        self.container_resources = k8s.V1ResourceRequirements(
            requests={**r, "nvidia.com/gpu": "1"}, limits={"memory": r["memory"], "nvidia.com/gpu": "1"}
        )

    def execute(self, context):
        self.size_for(context["params"]["asr_model"])
        try:
            return super().execute(context)
        except PodLaunchFailedException as exc:  # unschedulable / no GPU node in time
            raise ResourceExhausted(f"worker pod did not start: {exc}") from exc

    def cleanup(self, pod, remote_pod, xcom_result=None, context=None):
        try:
            return super().cleanup(pod, remote_pod, xcom_result=xcom_result, context=context)
        except Exception as exc:
            mapped = error_for_pod(remote_pod, self.base_container_name)
            if mapped is None:
                raise
            raise mapped from exc


def whisper_pod_operator(task_id: str, input_uri: str, output_uri: str, label: str, cfg: PodConfig | None = None, **kwargs):
    """Build the `transcribe` pod task. URIs and label may be Jinja templates."""
    cfg = cfg or PodConfig.from_env()
    op = WhisperPodOperator(
        task_id=task_id,
        name="whisper-transcribe",
        namespace=cfg.namespace,
        image=cfg.image,
        cmds=["linguaflow", "transcribe"],
        arguments=[
            "--input", input_uri, "--output", output_uri,
            "--engine", "{{ params.asr_engine }}", "--model", "{{ params.asr_model }}",
            "--language", "{{ params.source_language }}", "--device", "cuda", "--compute-type", "float16",
        ],
        labels={"app.kubernetes.io/name": "linguaflow-whisper", "linguaflow.io/task-id": label},
        service_account_name=cfg.service_account,
        node_selector=cfg.node_selector,
        tolerations=[k8s.V1Toleration(key=cfg.gpu_toleration_key, operator="Exists", effect="NoSchedule")],
        secrets=[Secret("env", None, cfg.s3_secret)],
        env_vars={"LINGUAFLOW_STORAGE_CONN_ID": "", "LINGUAFLOW_OPENAI_WHISPER_DIR": "/models/openai-whisper"},
        volumes=[
            k8s.V1Volume(
                name="models",
                persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name=cfg.models_pvc, read_only=True),
            )
        ],
        volume_mounts=[k8s.V1VolumeMount(name="models", mount_path="/models", read_only=True)],
        on_finish_action="delete_pod",
        startup_timeout_seconds=cfg.startup_timeout_s,
        get_logs=True,
        do_xcom_push=False,
        **kwargs,
    )
    op.size_for("base")  # until a run picks its model
    return op
