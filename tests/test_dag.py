import os
import subprocess
import sys

from linguaflow.orchestration.retry import MAX_RETRIES

from conftest import REPO

DAGS = REPO / "dags"


def test_dag_folder_imports_cleanly(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    dag = bag.get_dag("linguaflow_media")
    assert set(dag.task_ids) == {"probe", "transcribe", "targets", "translate", "review", "package", "notify"}
    assert "review" in dag.get_task("package").upstream_task_ids  # package waits for the (optional) review
    assert dag.get_task("notify").is_teardown
    assert dag.get_task("translate").__class__.__name__.endswith("MappedOperator")
    # probe retries a passing storage failure; bad input still fails it at once (the policy)
    assert dag.get_task("probe").retries == MAX_RETRIES and dag.get_task("probe").retry_policy is not None
    assert dag.get_task("translate").partial_kwargs["max_active_tis_per_dag"] == 1
    assert dag.get_task("transcribe").retry_policy is not None
    assert dag.deadline is not None
    params = dag.params
    assert params["target_languages"] == ["zh", "ja"]
    # the form offers every language; names and codes are normalised by the request model in probe
    assert "zh" in params.get_param("target_languages").schema["examples"]


def test_dag_file_imports_no_heavy_module():
    """Parsing must stay fast: no model runtime is imported at DAG-parse time."""
    code = (
        "import sys, runpy; runpy.run_path(sys.argv[1]); "
        "heavy = [m for m in ('faster_whisper', 'ctranslate2', 'llama_cpp', 'av', 'torch', 'pymongo') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code, str(DAGS / "linguaflow_media.py")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_airflow_dags_list_shows_the_media_dag(airflow_db):
    airflow = os.path.join(os.path.dirname(sys.executable), "airflow")
    # what the dag-processor does: parse the folder into the metadata DB the UI and API read
    r = subprocess.run([airflow, "dags", "reserialize"], capture_output=True, text=True, env=os.environ, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([airflow, "dags", "list", "-o", "plain"], capture_output=True, text=True, env=os.environ, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "linguaflow_media" in r.stdout
    r = subprocess.run([airflow, "dags", "list-import-errors", "-o", "plain"], capture_output=True, text=True, env=os.environ, timeout=300)
    assert "linguaflow_media" not in r.stdout
