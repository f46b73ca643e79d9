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
    labels = {"app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "linguaflow"}
    memory = max((resources_for(m) for m in d.models), key=lambda r: int(r["memory"].rstrip("Gi")))
    args = ["--host", "0.0.0.0", "--port", str(PORT), "--device", "cuda", "--compute-type", "float16",
            "--concurrency", str(d.concurrency), "--queue", str(d.queue)]
    for m in d.models:
        args += ["--model", m]
    probe = k8s.V1HTTPGetAction(path="/health", port=PORT)
    container = k8s.V1Container(
        name="asr", image=d.pod.image, command=["linguaflow", "serve"], args=args,
        ports=[k8s.V1ContainerPort(container_port=PORT, name="http")],
        env_from=[k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=d.api_key_secret))],
        resources=k8s.V1ResourceRequirements(requests={**memory, "nvidia.com/gpu": "1"},
                                             limits={"memory": memory["memory"], "nvidia.com/gpu": "1"}),
        readiness_probe=k8s.V1Probe(http_get=probe, period_seconds=5, failure_threshold=2),
        # models load before the port opens: a slow first start is not a dead container
        startup_probe=k8s.V1Probe(http_get=probe, period_seconds=5, failure_threshold=60),
        liveness_probe=k8s.V1Probe(http_get=probe, period_seconds=15, failure_threshold=4),
        volume_mounts=[k8s.V1VolumeMount(name="models", mount_path="/models", read_only=True)],
    )
    pod = k8s.V1PodSpec(
        containers=[container], service_account_name=d.pod.service_account, node_selector=d.pod.node_selector,
        tolerations=[k8s.V1Toleration(key=d.pod.gpu_toleration_key, operator="Exists", effect="NoSchedule")],
        volumes=[k8s.V1Volume(name="models", persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(
            claim_name=d.pod.models_pvc, read_only=True))],
        termination_grace_period_seconds=120,  # requests in flight finish before the pod goes
    )
    meta = k8s.V1ObjectMeta(name=NAME, namespace=d.pod.namespace, labels=labels)
    deployment = k8s.V1Deployment(
        api_version="apps/v1", kind="Deployment", metadata=meta,
        spec=k8s.V1DeploymentSpec(
            replicas=d.min_replicas, selector=k8s.V1LabelSelector(match_labels=labels),
            strategy=k8s.V1DeploymentStrategy(type="RollingUpdate", rolling_update=k8s.V1RollingUpdateDeployment(
                max_unavailable=0, max_surge=1)),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels=labels, annotations={
                    "prometheus.io/scrape": "true", "prometheus.io/port": str(PORT), "prometheus.io/path": "/metrics"}),
                spec=pod),
        ),
    )
    service = k8s.V1Service(
        api_version="v1", kind="Service", metadata=meta,
        spec=k8s.V1ServiceSpec(selector=labels, ports=[k8s.V1ServicePort(name="http", port=80, target_port=PORT)]),
    )
    autoscaler = k8s.V2HorizontalPodAutoscaler(
        api_version="autoscaling/v2", kind="HorizontalPodAutoscaler", metadata=meta,
        spec=k8s.V2HorizontalPodAutoscalerSpec(
            scale_target_ref=k8s.V2CrossVersionObjectReference(api_version="apps/v1", kind="Deployment", name=NAME),
            min_replicas=d.min_replicas, max_replicas=d.max_replicas,
            metrics=[k8s.V2MetricSpec(type="Pods", pods=k8s.V2PodsMetricSource(
                metric=k8s.V2MetricIdentifier(name="linguaflow_asr_queue_depth"),
                target=k8s.V2MetricTarget(type="AverageValue", average_value=str(d.queue_per_replica))))],
            behavior=k8s.V2HorizontalPodAutoscalerBehavior(  # GPU nodes are slow to come: keep them a while
                scale_down=k8s.V2HPAScalingRules(stabilization_window_seconds=600)),
        ),
    )
    return [deployment, service, autoscaler]


def render(objects: list) -> str:
    """The manifests as one multi-document YAML."""
    import yaml
    from kubernetes.client import ApiClient

    client = ApiClient()
    return "---\n".join(yaml.safe_dump(client.sanitize_for_serialization(o), sort_keys=False) for o in objects)


if __name__ == "__main__":
    print(render(manifests()), end="")
