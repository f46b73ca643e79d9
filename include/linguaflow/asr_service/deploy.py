"""The ASR service on Kubernetes: a Deployment on the GPU node pool, a Service in front of it and a
HorizontalPodAutoscaler on the service's own queue depth.

Built from the Kubernetes client's typed models (a misspelt field fails here, not in the
cluster), rendered to YAML with `python -m linguaflow.asr_service.deploy > asr.yaml`. Sizing: one
GPU per replica (`nvidia.com/gpu` is not divisible) and host memory per model as for the worker
pod (`k8s.WORKER_RESOURCES`). The autoscaler reads `linguaflow_asr_queue_depth` per pod, which
needs a metrics adapter (prometheus-adapter, or KEDA's Prometheus scaler) exposing it as a pods
metric; CPU is no signal for a GPU service.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubernetes.client import models as k8s

from ..orchestration.k8s import PodConfig, resources_for
from ..serving.deploy import probes, render, warm_service

__all__ = ["PORT", "ServiceDeployment", "manifests", "render"]

NAME = "linguaflow-asr"
PORT = 8000


@dataclass(frozen=True)
class ServiceDeployment:
    pod: PodConfig = field(default_factory=PodConfig)
    models: tuple[str, ...] = ("base",)
    concurrency: int = 2  # per replica: CTranslate2 workers sharing one GPU
    queue: int = 16
    min_replicas: int = 1
    max_replicas: int = 8
    queue_per_replica: int = 4  # scale out when requests wait longer than this, on average
    api_key_secret: str = "linguaflow-asr-key"  # holds LINGUAFLOW_SERVE_API_KEY


def manifests(d: ServiceDeployment = ServiceDeployment()) -> list:
    memory = max((resources_for(m) for m in d.models), key=lambda r: int(r["memory"].rstrip("Gi")))
    args = ["--host", "0.0.0.0", "--port", str(PORT), "--device", "cuda", "--compute-type", "float16",
            "--concurrency", str(d.concurrency), "--queue", str(d.queue)]
    for m in d.models:
        args += ["--model", m]
    container = k8s.V1Container(
        name="asr", image=d.pod.image, command=["linguaflow", "serve"], args=args,
        ports=[k8s.V1ContainerPort(container_port=PORT, name="http")],
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=d.api_key_secret))],
        resources=k8s.V1ResourceRequirements(requests={**memory, "nvidia.com/gpu": "1"},
                                             limits={"memory": memory["memory"], "nvidia.com/gpu": "1"}),
        volume_mounts=[k8s.V1VolumeMount(name="models", mount_path="/models", read_only=True)],
        **probes(PORT),
    )
    pod = k8s.V1PodSpec(
        containers=[container], service_account_name=d.pod.service_account, node_selector=d.pod.node_selector,
        tolerations=[k8s.V1Toleration(key=d.pod.gpu_toleration_key, operator="Exists", effect="NoSchedule")],
        volumes=[k8s.V1Volume(name="models", persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(
            claim_name=d.pod.models_pvc, read_only=True))],
        termination_grace_period_seconds=120,  # requests in flight finish before the pod goes
    )
    # GPU nodes are slow to come: keep them ten minutes after the queue empties
    return warm_service(NAME, d.pod.namespace, PORT, pod, "linguaflow_asr_queue_depth", d.min_replicas, d.max_replicas,
                        d.queue_per_replica, scale_down_s=600)


if __name__ == "__main__":
    print(render(manifests()), end="")
