"""The review step on Airflow: the human-in-the-loop task (`operator`), answering it from this
process (`answer`) and holding early REST answers back until the review has settled (`settling`).
What is reviewed and how edits apply is Airflow-free: `linguaflow.review`."""
