"""The review as an Airflow human-in-the-loop task (see `linguaflow.review`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from airflow.providers.standard.operators.hitl import HITLEntryOperator
from airflow.sdk import Param

from ...request import MediaRequest
from ...results.document import now_iso
from ...review import EDITS, PUBLISH, body, flagged_items, save, unreviewed

log = logging.getLogger(__name__)


class SegmentReviewOperator(HITLEntryOperator):
    """Asks a person to review a task's flagged items when its request says `review`; returns at
    once (nothing to ask) when it does not or nothing was flagged."""

    template_fields = (*HITLEntryOperator.template_fields, "job")

    def __init__(self, *, job, response_timeout: timedelta, **kwargs) -> None:
        kwargs.pop("params", None)  # the DAG's run params: the review's form has its own one field
        super().__init__(
            subject="Review flagged segments",
            body="The flagged segments are listed here when the review opens.",
            options=[PUBLISH], defaults=[PUBLISH],
            params={EDITS: Param({}, type="object", title="Edits",
                                 description='"<language>/<A|T>/<id>" -> text; a text left as it is is approved',
                                 source="task")},
            response_timeout=response_timeout,
            **kwargs,
        )
        self.job = job

    def execute(self, context):
        request, task_id = MediaRequest.of_job(self.job), self.job["task_id"]
        if not request.review:
            return None
        items = unreviewed(task_id, flagged_items(task_id, request))
        if not items:
            log.info("review asked, nothing flagged that was not reviewed already: publishing")
            return None
        from ...results.store import ResultStore

        ResultStore().mark_awaiting_review(task_id)
        self.subject = f"Review {len(items)} flagged item(s) of {task_id}"
        self.body = body(items)
        self.params[EDITS] = {key: it["text"] for key, it in items.items()}
        return super().execute(context)

    def execute_complete(self, context, event):
        answer = super().execute_complete(context, event)
        request, task_id = MediaRequest.of_job(self.job), self.job["task_id"]
        who = (answer.get("responded_by_user") or {}).get("name")
        at = answer["responded_at"]
        at = at.isoformat(timespec="milliseconds") if hasattr(at, "isoformat") else str(at or now_iso())
        made = save(task_id, (answer.get("params_input") or {}).get(EDITS) or {},
                    flagged_items(task_id, request), who, at)
        return {"reviewed_by": who, "at": at, "edits": len(made)}
