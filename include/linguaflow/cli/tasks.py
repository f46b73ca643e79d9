"""The task commands: `submit`, `status`, `result`, `cancel`, `delete`, `list`.

They talk to the task API (LINGUAFLOW_API, with LINGUAFLOW_TOKEN or LINGUAFLOW_USER/PASSWORD).
With no server configured (LINGUAFLOW_API unset), `status`, `result` and `list` read the embedded
store that `linguaflow run` writes to.
"""

from __future__ import annotations

import json
import sys

from ..orchestration import embedded
from ..settings import settings, split_csv
from .failures import UsageError


def server_configured() -> bool:
    return "api" in settings().model_fields_set


def _client():
    from ..client import TaskClient

    return TaskClient()


def submit(args) -> int:
    client = _client()
    task_id = client.submit(args.media, split_csv(args.to), callback_url=args.callback,
                            source_language=args.language, asr_engine=args.engine, asr_model=args.model)
    print(task_id, flush=True)
    if not args.wait:
        return 0
    from ..client import progress_line
    from ..results.document import SUCCEEDED

    st = client.wait(task_id, poll_s=args.poll, on_progress=lambda s: print(progress_line(s), file=sys.stderr, flush=True))
    return 0 if st["state"] in SUCCEEDED else 1


def status(args) -> int:
    if server_configured():
        answer = _client().status(args.task_id)
    else:
        from ..results.document import summary

        with embedded.result_store() as store:
            coded = store.get(args.task_id)
        if coded is None:
            raise UsageError(f"no task {args.task_id!r} in the embedded store (LINGUAFLOW_API unset: no server asked)")
        answer = summary(coded)
    print(json.dumps(answer, ensure_ascii=False, indent=1))
    return 0


def result(args) -> int:
    from ..errors import BadInput, NotFound

    if server_configured():
        out = _client().result(args.task_id, args.format, args.lang)
    else:
        from ..results import queries

        with embedded.result_store() as store:
            try:
                out = queries.result(store, args.task_id, args.format, args.lang)
            except NotFound as exc:
                raise UsageError(f"{exc} in the embedded store (LINGUAFLOW_API unset: no server asked)") from None
            except BadInput as exc:
                raise UsageError(str(exc)) from None
    text = out if isinstance(out, str) else json.dumps(out, ensure_ascii=False, indent=1) + "\n"
    sys.stdout.write(text)
    return 0


def cancel(args) -> int:
    print(json.dumps(_client().cancel(args.task_id)))
    return 0


def delete(args) -> int:
    report = _client().delete(args.task_id, media=args.media)
    removed = report["removed"]
    print(f"deleted {report['task_id']}: result {'yes' if removed['result_document'] else 'none'}, "
          f"{removed['objects']} objects, {removed['redis_keys']} cache keys, run {'yes' if removed['run'] else 'none'}, "
          f"{removed['log_files']} log files, source media {'deleted' if removed['media'] else 'kept'}"
          + (" (a step was running: its leftovers are purged again shortly)" if report.get("purge_pending") else ""))
    return 0


def list_tasks(args) -> int:
    filters = {"state": split_csv(args.state) or None, "created_after": args.since, "created_before": args.until,
               "source_language": args.source, "target_language": args.target, "media_prefix": args.media,
               "flagged": {"yes": "true", "no": "false"}.get(args.flagged), "created_by": args.by, "limit": args.limit}
    if server_configured():
        client = _client()
        pages = lambda cursor: client.list(**filters, cursor=cursor)  # noqa: E731
        _print_pages(pages, args.all)
    else:
        from pydantic import ValidationError

        from ..request import readable
        from ..results import listing

        try:
            query = listing.TaskQuery.model_validate({k: v for k, v in filters.items() if v is not None})
        except ValidationError as exc:
            raise UsageError(readable(exc.errors(include_url=False, include_input=False))) from None
        with embedded.result_store() as store:
            _print_pages(lambda cursor: listing.page(store, query.model_copy(update={"cursor": cursor})), args.all)
    return 0


def _print_pages(next_page, every: bool) -> None:
    cursor, shown = None, 0
    print(f"{'task':<40} {'state':<16} {'src':<4} {'targets':<12} {'created':<24} media")
    while True:
        page = next_page(cursor)
        for t in page["tasks"]:
            print(f"{t['task_id']:<40} {t['status']:<16} {t['source_language'] or '-':<4} "
                  f"{','.join(t['target_languages']) or '-':<12} {(t['created'] or '')[:23]:<24} {t['media'] or ''}"
                  + ("  ⚑" if t["flagged"] else ""))
        shown += len(page["tasks"])
        cursor = page["next_cursor"]
        if not cursor or not every:
            break
    if cursor:
        print(f"… more: --all for every page ({shown} shown)", file=sys.stderr)
