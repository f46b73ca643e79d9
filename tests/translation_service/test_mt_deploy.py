"""The translation service's Kubernetes manifests, rendered and checked offline (no cluster here)."""

from __future__ import annotations

import yaml

from linguaflow.translation_service.deploy import NAME, PORT, TranslationDeployment, manifests, render


def test_a_cpu_deployment_with_a_service_and_an_autoscaler_on_the_queue():
    deployment, service, hpa = manifests(TranslationDeployment(models=("qwen2.5-0.5b-instruct-q4", "qwen2.5-coder-1.5b-instruct-q4")))
    c = deployment.spec.template.spec.containers[0]
    assert c.command == ["linguaflow", "serve-mt"]
    assert [c.args[i + 1] for i, a in enumerate(c.args) if a == "--model"] == ["qwen2.5-0.5b-instruct-q4", "qwen2.5-coder-1.5b-instruct-q4"]
    assert c.resources.requests == {"cpu": "4", "memory": "6Gi"} and "nvidia.com/gpu" not in c.resources.limits
    assert [e.secret_ref.name for e in c.env_from] == ["linguaflow-mt-key"] and not c.env  # the key never inline
    assert c.startup_probe.http_get.path == "/health" and c.startup_probe.failure_threshold * c.startup_probe.period_seconds >= 300
    assert service.spec.selector == deployment.spec.template.metadata.labels and service.spec.ports[0].target_port == PORT
    assert hpa.spec.metrics[0].pods.metric.name == "linguaflow_mt_queue_depth" and hpa.spec.scale_target_ref.name == NAME


def test_the_container_arguments_are_the_cli_s_own_and_the_yaml_renders():
    from linguaflow.cli import parser

    c = manifests()[0].spec.template.spec.containers[0]
    args = parser().parse_args([c.command[1], *c.args])
    assert (args.host, args.port, args.slots, args.queue, args.model) == ("0.0.0.0", PORT, 8, 32, ["qwen2.5-coder-1.5b-instruct-q4"])
    docs = list(yaml.safe_load_all(render(manifests())))
    assert [d["kind"] for d in docs] == ["Deployment", "Service", "HorizontalPodAutoscaler"]
