"""The Airflow seam: only `linguaflow.orchestration` touches Airflow beyond `airflow.sdk` and the
providers' public classes, and the domain wings never import it. Read from the source (every
import, including those inside functions), so nothing has to run for a breach to fail here."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "include" / "linguaflow"
WING = PACKAGE / "orchestration"
PUBLIC_AIRFLOW = ("airflow.sdk", "airflow.providers")  # what modules outside the wing may import
# the entry points that may call into the wing (they run it); every other module is domain code
CALLERS_OF_THE_WING = ("api", "cli", "asr_service")


def imports(path: Path, root: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a file under `root`, relative ones resolved."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(list(package[: len(package) - node.level + 1]) + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def airflow_internal(module: str) -> bool:
    top = module.split(".")[0]
    return top in ("sqlalchemy", "cadwyn", "alembic") or (top == "airflow" and module != "airflow"
                                                          and not module.startswith(PUBLIC_AIRFLOW))


def outside_the_wing() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if WING not in p.parents]


def test_only_the_orchestration_wing_imports_airflow_internals():
    breaches = [f"{p.relative_to(REPO)}:{line} imports {mod}" for p in outside_the_wing() for line, mod in imports(p)
                if airflow_internal(mod)]
    assert not breaches, "move these into linguaflow.orchestration (and list them in workarounds.py):\n" + "\n".join(breaches)


def test_dag_files_use_only_the_sdk_and_providers():
    breaches = [f"{p.relative_to(REPO)}:{line} imports {mod}" for p in (REPO / "dags").glob("*.py")
                for line, mod in imports(p, p.parent) if airflow_internal(mod)]
    assert not breaches, "\n".join(breaches)


def test_domain_modules_never_import_the_wing():
    domain = [p for p in outside_the_wing() if p.relative_to(PACKAGE).parts[0] not in CALLERS_OF_THE_WING]
    breaches = [f"{p.relative_to(REPO)}:{line} imports {mod}" for p in domain for line, mod in imports(p)
                if mod.startswith("linguaflow.orchestration")]
    assert not breaches, "domain code depends on orchestration, not the other way round:\n" + "\n".join(breaches)


def test_the_rule_sees_a_breach(tmp_path):
    """The checks above read imports the way they are written: absolute, relative, inside functions."""
    probe = tmp_path / "linguaflow" / "speech" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from ..orchestration import runs\n    from airflow.models.dagrun import DagRun\n"
                     "    import sqlalchemy.orm\n")
    found = {mod for _, mod in imports(probe, tmp_path)}
    assert {"linguaflow.orchestration.runs", "airflow.models.dagrun.DagRun", "sqlalchemy.orm"} <= found
    assert airflow_internal("airflow.models.dagrun") and airflow_internal("sqlalchemy.orm")
    assert airflow_internal("airflow.api_fastapi.app") and airflow_internal("airflow.utils.session")
    assert not airflow_internal("airflow.sdk.definitions.dag") and not airflow_internal("airflow.providers.mongo.hooks.mongo")


def test_no_import_cycle_among_the_packages_modules():
    """Imports inside functions count too: a cycle hidden in a function is still a cycle."""
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    graph = {name: {mod if mod in modules else mod.rsplit(".", 1)[0] for _, mod in imports(path)} & set(modules) - {name, "linguaflow"}
             for name, path in modules.items()}
    cycles, seen = [], set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in graph[node]:
            if nxt in path:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in seen:
                walk(nxt, path + [nxt])
        seen.add(node)

    for name in modules:
        if name not in seen:
            walk(name, [name])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])
