"""The task API: FastAPI routes (`app`), access rules (`auth`), runs of the media DAG (`runs`), the viewer."""
