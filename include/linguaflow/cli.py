"""`linguaflow` command line.

    linguaflow run FILE --to zh,ja     run the media DAG in-process on the embedded default
    linguaflow transcribe --input URI --output URI [--engine --model --device ...]
                                       one transcription (the GPU worker pod's entrypoint); exit codes:
                                       65 bad input, 71 resources exhausted, 75 timeout, 69 unavailable
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import sys

from .request import ENGINES
from .settings import split_csv


def _file_task_id(path: str) -> str:
    """Same file -> same task id, so re-running the demo updates one result document."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "file-" + h.hexdigest()[:20]


def run_dag(conf: dict):
    """Run the media DAG once with `dag.test()` and return the finished DagRun."""
    from airflow.dag_processing.dagbag import DagBag

    from . import embedded

    bag = DagBag(dag_folder=str(embedded.dags_folder()))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    dag = bag.get_dag("linguaflow_media")
    # dag.test() in Airflow 3.3.2 crashes when a run with a deadline alert succeeds (it looks the
    # alerts up by id, but its round-tripped DAG holds the alert dicts instead of ids). Deadlines
    # are the scheduler's job and dag.test() never creates them (no queued_at), so drop them here.
    dag.deadline = None
    return dag.test(run_conf=conf)


def cmd_run(args) -> int:
    from . import embedded

    embedded.configure_env()
    path = os.path.abspath(args.file)
    if not os.path.exists(path):
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    from .errors import BadInput
    from .request import MediaRequest
    from .settings import settings

    try:
        req = MediaRequest.parse({
            "media_uri": "file://" + path, "target_languages": split_csv(args.to), "source_language": args.language,
            "asr_engine": args.engine, "asr_model": args.model, "task_id": args.task_id or _file_task_id(path),
            "glossary": _glossary_arg(args.glossary),
        })
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    conf = req.conf()
    embedded.migrate_db()
    from contextlib import nullcontext

    external_db = settings().mongo_uri
    with nullcontext() if external_db else embedded.EmbeddedMongo():
        dr = run_dag(conf)
        from .results.store import ResultStore

        store = ResultStore()
        doc = store.get(conf["task_id"])
        store.client.close()
    text = json.dumps(doc, ensure_ascii=False, indent=None if args.compact else 1)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print("\n===== coded result =====", flush=True)
    print(text)
    where = external_db or f"the embedded store at {embedded.home() / 'db'}"
    print(f"\nrun {dr.run_id}: {dr.state}; result {conf['task_id']} stored in {where} "
          f"(collection linguaflow.results), artefacts under {settings().work_root_uri}/work/{conf['task_id']}/",
          file=sys.stderr)
    return 0 if str(dr.state) in ("success", "DagRunState.SUCCESS") and doc else 1


def _glossary_arg(value: str | None) -> dict:
    """--glossary: inline JSON or a JSON file ({"Acme": "keep", "invoice": {"de": "Rechnung"}})."""
    from .errors import BadInput

    if not value:
        return {}
    try:
        text = open(value, encoding="utf-8").read() if os.path.isfile(value) else value
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise BadInput(f"--glossary: not a JSON object or a JSON file ({exc})") from None


def cmd_transcribe(args) -> int:
    """The Whisper worker's entrypoint: object storage in, transcript JSON out, exit code = failure class."""
    from .errors import classify
    from .pipeline import transcribe_to
    from .speech.types import AsrOptions

    opts = AsrOptions(
        engine=args.engine, model=args.model, device=args.device, compute_type=args.compute_type,
        language=None if args.language in (None, "", "auto") else args.language, task=args.task,
    )
    try:
        doc = transcribe_to(args.input, args.output, opts)
    except Exception as exc:  # noqa: BLE001 - every failure leaves with its class's exit code
        cls = classify(exc)
        logging.getLogger("linguaflow").error("%s: %s", cls.__name__ if cls else type(exc).__name__, exc)
        if cls is None:
            logging.getLogger("linguaflow").exception("unexpected failure")
        return cls.exit_code if cls else 1
    print(json.dumps({"output": args.output, "language": doc["language"], "segments": len(doc["segments"])}))
    return 0


def _client():
    from .client import TaskClient

    return TaskClient()


def cmd_submit(args) -> int:
    client = _client()
    task_id = client.submit(args.media, split_csv(args.to), callback_url=args.callback,
                            source_language=args.language, asr_engine=args.engine, asr_model=args.model)
    print(task_id, flush=True)
    if not args.wait:
        return 0
    from .client import progress_line

    st = client.wait(task_id, poll_s=args.poll, on_progress=lambda s: print(progress_line(s), file=sys.stderr, flush=True))
    from .results.document import SUCCEEDED

    return 0 if st["state"] in SUCCEEDED else 1


def cmd_status(args) -> int:
    print(json.dumps(_client().status(args.task_id), ensure_ascii=False, indent=1))
    return 0


def cmd_result(args) -> int:
    out = _client().result(args.task_id, args.format, args.lang)
    print(out if isinstance(out, str) else json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def cmd_cancel(args) -> int:
    print(json.dumps(_client().cancel(args.task_id)))
    return 0


def cmd_delete(args) -> int:
    report = _client().delete(args.task_id, media=args.media)
    removed = report["removed"]
    print(f"deleted {report['task_id']}: result {'yes' if removed['result_document'] else 'none'}, "
          f"{removed['objects']} objects, {removed['redis_keys']} cache keys, run {'yes' if removed['run'] else 'none'}, "
          f"{removed['log_files']} log files, source media {'deleted' if removed['media'] else 'kept'}"
          + (" (a step was running: its leftovers are purged again shortly)" if report.get("purge_pending") else ""))
    return 0


def cmd_list(args) -> int:
    filters = {"state": split_csv(args.state) or None, "created_after": args.since, "created_before": args.until,
               "source_language": args.source, "target_language": args.target, "media_prefix": args.media,
               "flagged": {"yes": "true", "no": "false"}.get(args.flagged), "created_by": args.by, "limit": args.limit}
    client, cursor, shown = _client(), None, 0
    print(f"{'task':<40} {'state':<16} {'src':<4} {'targets':<12} {'created':<24} media")
    while True:
        page = client.list(**filters, cursor=cursor)
        for t in page["tasks"]:
            print(f"{t['task_id']:<40} {t['status']:<16} {t['source_language'] or '-':<4} "
                  f"{','.join(t['target_languages']) or '-':<12} {(t['created'] or '')[:23]:<24} {t['media'] or ''}"
                  + ("  ⚑" if t["flagged"] else ""))
        shown += len(page["tasks"])
        cursor = page["next_cursor"]
        if not cursor or not args.all:
            break
    if cursor:
        print(f"… more: --all for every page ({shown} shown)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="linguaflow")
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the media DAG in-process on the embedded default")
    run.add_argument("file", help="audio or video file")
    run.add_argument("--to", default="zh,ja", help="target languages, comma separated ISO 639-1 codes")
    run.add_argument("--language", default="auto", help="spoken language or auto")
    run.add_argument("--engine", default="faster-whisper", choices=ENGINES)
    run.add_argument("--model", default="base", help="ASR model: base, tiny.en or a CTranslate2 directory")
    run.add_argument("--task-id", default=None)
    run.add_argument("--glossary", default=None, help='JSON (inline or a file): term -> "keep" or {language: rendering}')
    run.add_argument("--compact", action="store_true", help="print the JSON on one line")
    run.add_argument("--out", default=None, help="also write the coded JSON to this file")
    run.set_defaults(func=cmd_run)

    tr = sub.add_parser("transcribe", help="transcribe one media object into a transcript JSON (the GPU pod's entrypoint)")
    tr.add_argument("--input", required=True, help="media URI: s3://bucket/key, file:///path or a path")
    tr.add_argument("--output", required=True, help="transcript JSON URI")
    tr.add_argument("--engine", default="faster-whisper", choices=ENGINES)
    tr.add_argument("--model", default="base")
    tr.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])
    tr.add_argument("--compute-type", default="auto")
    tr.add_argument("--language", default="auto")
    tr.add_argument("--task", default="transcribe", choices=["transcribe", "translate"])
    tr.set_defaults(func=cmd_transcribe)

    # the task API client (LINGUAFLOW_API, LINGUAFLOW_TOKEN or LINGUAFLOW_USER/LINGUAFLOW_PASSWORD)
    sb = sub.add_parser("submit", help="create a task from a local file (uploaded) or an s3:// URI")
    sb.add_argument("media")
    sb.add_argument("--to", required=True, help="target languages, comma separated")
    sb.add_argument("--callback", default=None, help="URL to POST the signed completion notice to")
    sb.add_argument("--language", default="auto", help="spoken language or auto")
    sb.add_argument("--engine", default="faster-whisper", choices=ENGINES)
    sb.add_argument("--model", default="base", help="ASR model: base, tiny.en or a CTranslate2 directory")
    sb.add_argument("--wait", action="store_true", help="follow progress until the task ends")
    sb.add_argument("--poll", type=float, default=5.0)
    sb.set_defaults(func=cmd_submit)
    st = sub.add_parser("status", help="state and per-language progress of a task")
    st.add_argument("task_id")
    st.set_defaults(func=cmd_status)
    rs = sub.add_parser("result", help="a task's result")
    rs.add_argument("task_id")
    rs.add_argument("--format", default="expanded", choices=["coded", "expanded", "srt", "vtt"])
    rs.add_argument("--lang", default=None)
    rs.set_defaults(func=cmd_result)
    cn = sub.add_parser("cancel", help="cancel a task")
    cn.add_argument("task_id")
    cn.set_defaults(func=cmd_cancel)
    dl = sub.add_parser("delete", help="delete a task and everything derived from it, everywhere")
    dl.add_argument("task_id")
    dl.add_argument("--media", action="store_true", help="also delete the source object (an upload always goes)")
    dl.set_defaults(func=cmd_delete)
    ls = sub.add_parser("list", help="list tasks, newest first (yours, or all if your role sees all)")
    ls.add_argument("--state", default=None, help="comma separated: queued, running, done, done_with_flags, failed, cancelled, ...")
    ls.add_argument("--since", default=None, help="created at or after (ISO 8601)")
    ls.add_argument("--until", default=None, help="created before (ISO 8601)")
    ls.add_argument("--source", default=None, help="spoken language")
    ls.add_argument("--target", default=None, help="a requested target language")
    ls.add_argument("--media", default=None, help="media URI prefix, e.g. s3://bucket/inbox/")
    ls.add_argument("--flagged", choices=["yes", "no"], default=None, help="with or without flagged segments")
    ls.add_argument("--by", default=None, help="created by this user")
    ls.add_argument("--limit", type=int, default=50, help="tasks per page")
    ls.add_argument("--all", action="store_true", help="every page, not only the first")
    ls.set_defaults(func=cmd_list)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except Exception as exc:
        from .client import ApiError

        if isinstance(exc, ApiError):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
