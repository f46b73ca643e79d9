"""The ASR service's Kubernetes manifests, rendered and checked offline (no cluster here)."""

from __future__ import annotations

import yaml

from linguaflow.asr_service.deploy import PORT, ServiceDeployment, manifests, render


def test_deployment_service_and_autoscaler():
    deployment, service, hpa = manifests(ServiceDeployment(models=("base", "tiny.en"), concurrency=2, queue=16))
    pod = deployment.spec.template.spec
    c = pod.containers[0]
    assert c.command == ["linguaflow", "serve"] and c.args[c.args.index("--device") + 1] == "cuda"
    assert [c.args[i + 1] for i, a in enumerate(c.args) if a == "--model"] == ["base", "tiny.en"]
    assert c.resources.requests["nvidia.com/gpu"] == "1" and c.resources.limits["nvidia.com/gpu"] == "1"
    assert c.resources.requests["memory"] == "3Gi"  # the larger of the two models
    assert [e.secret_ref.name for e in c.env_from] == ["linguaflow-asr-key"] and not c.env  # the key never inline
    assert c.readiness_probe.http_get.path == c.liveness_probe.http_get.path == "/health"
    assert c.startup_probe.failure_threshold * c.startup_probe.period_seconds >= 300  # time to load models
    assert pod.node_selector == {"linguaflow.io/pool": "gpu"} and pod.tolerations[0].key == "nvidia.com/gpu"
    assert deployment.spec.strategy.rolling_update.max_unavailable == 0
    assert service.spec.selector == deployment.spec.selector.match_labels == deployment.spec.template.metadata.labels
    assert service.spec.ports[0].port == 80 and service.spec.ports[0].target_port == PORT
    assert hpa.spec.scale_target_ref.name == deployment.metadata.name and (hpa.spec.min_replicas, hpa.spec.max_replicas) == (1, 8)
    assert hpa.spec.metrics[0].pods.metric.name == "linguaflow_asr_queue_depth"


def test_the_container_arguments_are_the_cli_s_own():
    from linguaflow.cli import parser

    c = manifests()[0].spec.template.spec.containers[0]
    args = parser().parse_args([c.command[1], *c.args])
    assert (args.host, args.port, args.device, args.model, args.concurrency, args.queue) == ("0.0.0.0", PORT, "cuda", ["base"], 2, 16)


def test_rendered_yaml():
    docs = list(yaml.safe_load_all(render(manifests())))
    assert [d["kind"] for d in docs] == ["Deployment", "Service", "HorizontalPodAutoscaler"]
    assert [d["apiVersion"] for d in docs] == ["apps/v1", "v1", "autoscaling/v2"]
    container = docs[0]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1" and container["ports"][0]["containerPort"] == PORT
    assert docs[2]["spec"]["metrics"][0]["pods"]["target"] == {"type": "AverageValue", "averageValue": "4"}
