"""A warm service on Kubernetes: its Deployment (rolled one pod at a time, none unavailable), a
Service in front of it and a HorizontalPodAutoscaler on the service's own queue depth (a pods
metric: needs prometheus-adapter or KEDA's Prometheus scaler). Each service builds its container
and pod; this makes the three objects around them the same way for both."""

from __future__ import annotations

from kubernetes.client import models as k8s


def probes(port: int) -> dict:
    """Readiness, a patient startup (models load before the port opens) and liveness on /health."""
    probe = k8s.V1HTTPGetAction(path="/health", port=port)
    return {"readiness_probe": k8s.V1Probe(http_get=probe, period_seconds=5, failure_threshold=2),
            "startup_probe": k8s.V1Probe(http_get=probe, period_seconds=5, failure_threshold=60),
            "liveness_probe": k8s.V1Probe(http_get=probe, period_seconds=15, failure_threshold=4)}


def warm_service(name: str, namespace: str, port: int, pod: k8s.V1PodSpec, queue_metric: str, min_replicas: int,
                 max_replicas: int, queue_per_replica: int, scale_down_s: int) -> list:
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "linguaflow"}
    meta = k8s.V1ObjectMeta(name=name, namespace=namespace, labels=labels)
    deployment = k8s.V1Deployment(
        api_version="apps/v1", kind="Deployment", metadata=meta,
        spec=k8s.V1DeploymentSpec(
            replicas=min_replicas, selector=k8s.V1LabelSelector(match_labels=labels),
            strategy=k8s.V1DeploymentStrategy(type="RollingUpdate", rolling_update=k8s.V1RollingUpdateDeployment(
                max_unavailable=0, max_surge=1)),
            template=k8s.V1PodTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels=labels, annotations={
                    "prometheus.io/scrape": "true", "prometheus.io/port": str(port), "prometheus.io/path": "/metrics"}),
                spec=pod),
        ),
    )
    service = k8s.V1Service(
        api_version="v1", kind="Service", metadata=meta,
        spec=k8s.V1ServiceSpec(selector=labels, ports=[k8s.V1ServicePort(name="http", port=80, target_port=port)]),
    )
    autoscaler = k8s.V2HorizontalPodAutoscaler(
        api_version="autoscaling/v2", kind="HorizontalPodAutoscaler", metadata=meta,
        spec=k8s.V2HorizontalPodAutoscalerSpec(
            scale_target_ref=k8s.V2CrossVersionObjectReference(api_version="apps/v1", kind="Deployment", name=name),
            min_replicas=min_replicas, max_replicas=max_replicas,
            metrics=[k8s.V2MetricSpec(type="Pods", pods=k8s.V2PodsMetricSource(
                metric=k8s.V2MetricIdentifier(name=queue_metric),
                target=k8s.V2MetricTarget(type="AverageValue", average_value=str(queue_per_replica))))],
            behavior=k8s.V2HorizontalPodAutoscalerBehavior(
                scale_down=k8s.V2HPAScalingRules(stabilization_window_seconds=scale_down_s)),
        ),
    )
    return [deployment, service, autoscaler]


def render(objects: list) -> str:
    """The manifests as one multi-document YAML."""
    import yaml
    from kubernetes.client import ApiClient

    client = ApiClient()
    return "---\n".join(yaml.safe_dump(client.sanitize_for_serialization(o), sort_keys=False) for o in objects)
