"""The GPU path: `transcribe` as a KubernetesPodOperator running `linguaflow transcribe` in the
Whisper worker image on the GPU node pool.

The pod's exit code tells the failure class (see `errors.py`), which is raised again here so the
retry table applies to pods exactly as to in-process transcription.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.providers.cncf.kubernetes.utils.pod_manager import PodLaunchFailedException
from kubernetes.client import models as k8s

from ..errors import BY_EXIT_CODE, LinguaflowError, ResourceExhausted
from ..settings import settings

# the probe task's XCom (the job) holds the parsed request; the pod's arguments are rendered from it
JOB = "ti.xcom_pull(task_ids='probe')"

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
    """Where and how the worker pod runs; every field has a LINGUAFLOW_K8S_* setting."""

    image: str = "linguaflow/whisper-worker:0.1.0"
    namespace: str = "linguaflow"
    service_account: str = "linguaflow-worker"
    node_selector: dict = field(default_factory=lambda: {"linguaflow.io/pool": "gpu"})
    gpu_toleration_key: str = "nvidia.com/gpu"
    s3_secret: str = "linguaflow-s3"  # holds AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL
    models_pvc: str = "whisper-models"  # mounted read-only at /models
    startup_timeout_s: int = 900  # includes waiting for a GPU node to scale up

    @classmethod
    def from_settings(cls) -> PodConfig:
        cfg = settings()
        return cls(
            image=cfg.k8s_image, namespace=cfg.k8s_namespace, service_account=cfg.k8s_service_account,
            node_selector=cfg.node_selector, s3_secret=cfg.k8s_s3_secret, models_pvc=cfg.k8s_models_pvc,
            startup_timeout_s=cfg.k8s_startup_timeout,
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
        self.size_for(context["ti"].xcom_pull(task_ids="probe")["request"]["asr_model"])
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


def whisper_pod_operator(
    task_id: str,
    input_uri: str = "{{ %s['media']['uri'] }}" % JOB,
    output_uri: str = "{{ %s['transcript_uri'] }}" % JOB,
    label: str = "{{ %s['pod_label'] }}" % JOB,
    cfg: PodConfig | None = None,
    **kwargs,
):
    """Build the `transcribe` pod task; by default everything comes from the probe's job."""
    cfg = cfg or PodConfig.from_settings()
    request = "{{ %s['request']['%%s'] }}" % JOB
    op = WhisperPodOperator(
        task_id=task_id,
        name="whisper-transcribe",
        namespace=cfg.namespace,
        image=cfg.image,
        cmds=["linguaflow", "transcribe"],
        arguments=[
            "--input", input_uri, "--output", output_uri,
            "--engine", request % "asr_engine", "--model", request % "asr_model",
            "--language", request % "source_language", "--device", "cuda", "--compute-type", "float16",
            "--request", "{{ %s['request'] | tojson }}" % JOB,  # speakers, vocabulary: as the in-process step
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
