"""The translation service on Kubernetes: a CPU Deployment (llama.cpp decodes on the CPU; the GGUF
weights ship inside the image's Python packages, nothing to mount), a Service in front of it and a
HorizontalPodAutoscaler on `linguaflow_mt_queue_depth`.

Rendered with `python -m linguaflow.translation_service.deploy > mt.yaml`. Sizing, measured
(bench/RESULTS.md, "The warm translation service"): the default 1.5B model with 8 slots holds
~2.4 GB resident; token generation is bound by memory bandwidth, so more cores per replica help
little past 4 and more replicas help linearly. A route reaches it with the `openai` backend,
`base_url: http://linguaflow-mt/v1`, and `parallel` up to the slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubernetes.client import models as k8s

from ..serving.deploy import probes, render, warm_service
from .app import TranslationServiceConfig

NAME = "linguaflow-mt"
PORT = 8001
__all__ = ["NAME", "PORT", "TranslationDeployment", "manifests", "render"]


@dataclass(frozen=True)
class TranslationDeployment:
    image: str = "linguaflow/linguaflow:0.1.0"
    namespace: str = "linguaflow"
    models: tuple[str, ...] = TranslationServiceConfig.models
    slots: int = 8
    queue: int = 32
    cpu: str = "4"
    memory: str = "3Gi"  # per model: 2.4 GB measured with 8 slots, plus headroom
    node_selector: dict = field(default_factory=dict)  # any CPU node unless the operator names a pool
    min_replicas: int = 1
    max_replicas: int = 6
    queue_per_replica: int = 8  # scale out when chats wait longer than this, on average
    api_key_secret: str = "linguaflow-mt-key"  # holds LINGUAFLOW_SERVE_API_KEY


def manifests(d: TranslationDeployment = TranslationDeployment()) -> list:
    args = ["--host", "0.0.0.0", "--port", str(PORT), "--slots", str(d.slots), "--queue", str(d.queue)]
    for m in d.models:
        args += ["--model", m]
    memory = f"{int(d.memory.rstrip('Gi')) * len(d.models)}Gi"
    container = k8s.V1Container(
        name="mt", image=d.image, command=["linguaflow", "serve-mt"], args=args,
        ports=[k8s.V1ContainerPort(container_port=PORT, name="http")],
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=d.api_key_secret))],
        resources=k8s.V1ResourceRequirements(requests={"cpu": d.cpu, "memory": memory}, limits={"memory": memory}),
        **probes(PORT),
    )
    pod = k8s.V1PodSpec(containers=[container], node_selector=d.node_selector or None,
                        termination_grace_period_seconds=60)  # chats in flight finish
    return warm_service(NAME, d.namespace, PORT, pod, "linguaflow_mt_queue_depth", d.min_replicas, d.max_replicas,
                        d.queue_per_replica, scale_down_s=300)


if __name__ == "__main__":
    print(render(manifests()), end="")
