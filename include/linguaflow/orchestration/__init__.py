"""The one wing that touches Airflow beyond `airflow.sdk` and the providers' public classes.

Running the media DAG in-process (`embedded`), controlling runs (`runs`), deleting tasks and
their runs (`deletion`, `retention`), the inbox, Airflow's callbacks and strategies (`alerts`,
`retry`, `priority`), the GPU pod (`k8s`), completion webhooks (`webhook`), the task API's use of
Airflow's auth manager (`auth`) and the review task (`review/`). Every use of an Airflow internal
is listed in `workarounds.py`, with a test that pins the behaviour it relies on; modules outside
this wing import only the SDK (tests/architecture/test_airflow_seam.py holds them to it).
"""
