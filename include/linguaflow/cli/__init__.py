"""`linguaflow` command line.

    linguaflow run FILE --to zh,ja     run the media DAG in-process on the embedded default
    linguaflow transcribe --input URI --output URI [--engine --model --device ...]
                                       one transcription (the GPU worker pod's entrypoint)
    linguaflow submit|status|result|cancel|delete|list
                                       the task API (`cli.tasks`); result, status and list read
                                       the embedded store when no server is configured

Every failure is one line and an exit code (`cli.failures`); `--verbose` adds the traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from ..request import ENGINES
from ..results import formats
from . import failures, local_run, tasks


def cmd_transcribe(args) -> int:
    """The Whisper worker's entrypoint: object storage in, transcript JSON out, exit code = failure class."""
    from ..errors import classify
    from ..pipeline import transcribe_to

    try:
        opts = transcribe_options(args)
        done = transcribe_to(args.input, args.output, opts).transcript
    except Exception as exc:  # noqa: BLE001 - every failure leaves with its class's exit code
        cls = classify(exc)
        logging.getLogger("linguaflow").error("%s: %s", cls.__name__ if cls else type(exc).__name__, exc)
        if cls is None:
            logging.getLogger("linguaflow").exception("unexpected failure")
        return cls.exit_code if cls else 1
    print(json.dumps({"output": args.output, "language": done.language, "segments": len(done.segments)}))
    return 0



def transcribe_options(args):
    """`transcribe`'s options: from the task's request when the pod is given it (`--request`, so
    speakers and vocabulary reach the GPU worker as they reach the in-process step), else from the
    flags; device and compute type always from the flags (the pod's hardware)."""
    import dataclasses

    from ..errors import BadInput
    from ..request import MediaRequest
    from ..speech.types import AsrOptions

    if args.request:
        from ..pipeline import asr_options

        try:
            request = MediaRequest.parse(json.loads(args.request))
        except json.JSONDecodeError as exc:
            raise BadInput(f"--request: not JSON ({exc.msg})") from None
        return dataclasses.replace(asr_options(request), device=args.device, compute_type=args.compute_type, task=args.task)
    return AsrOptions(
        engine=args.engine, model=args.model, device=args.device, compute_type=args.compute_type,
        language=None if args.language in (None, "", "auto") else args.language, task=args.task,
    )


def cmd_serve(args) -> int:
    """`linguaflow serve`: the warm ASR service (uvicorn, one process)."""
    import uvicorn

    from ..asr_service.app import ServiceConfig, check_models, create_app
    from ..errors import BadInput
    from ..settings import settings

    models = tuple(args.model or ["base"])
    try:
        check_models(models)
    except BadInput as exc:
        raise failures.UsageError(str(exc)) from None
    if args.concurrency is None:
        args.concurrency = max(1, args.batch_size)
    if args.concurrency < 1 or args.queue < 0 or args.batch_size < 0:
        raise failures.UsageError("--concurrency is at least 1, --queue and --batch-size at least 0")
    key = settings().serve_api_key
    cfg = ServiceConfig(models=models, device=args.device, compute_type=args.compute_type, concurrency=args.concurrency,
                        queue=args.queue, batch_size=args.batch_size, api_key=key.get_secret_value() if key else None,
                        max_upload_bytes=settings().max_upload_bytes)
    uvicorn.run(create_app(cfg), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_serve_mt(args) -> int:
    """`linguaflow serve-mt`: the warm translation service (uvicorn, one process)."""
    import uvicorn

    from ..errors import BadInput
    from ..settings import settings
    from ..translation_service.app import TranslationServiceConfig, check_models, create_app

    models = tuple(args.model or [TranslationServiceConfig.models[0]])
    try:
        check_models(models)
    except BadInput as exc:
        raise failures.UsageError(str(exc)) from None
    if (args.slots is not None and not 1 <= args.slots <= 64) or args.queue < 0:  # unset: the setting's, checked there
        raise failures.UsageError("--slots is 1 to 64, --queue at least 0")
    key = settings().serve_api_key
    cfg = TranslationServiceConfig(models=models, slots=args.slots, queue=args.queue,
                                   api_key=key.get_secret_value() if key else None)
    uvicorn.run(create_app(cfg), host=args.host, port=args.port, log_level="info")
    return 0


def _listens(service: argparse.ArgumentParser, port: int) -> None:
    """A warm service's address options."""
    service.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    service.add_argument("--port", type=int, default=port, help="port to listen on")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("linguaflow")
    except PackageNotFoundError:
        return "unknown"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit 2), not the whole usage text."""

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}: error: {message} (--help for usage)\n")
        raise SystemExit(failures.USAGE)


def on_task(sub, name: str, help: str, func) -> argparse.ArgumentParser:
    """A command about one task: its id as the argument."""
    p = sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
    p.add_argument("task_id", help="the task's id (as `submit` or `run` printed it)")
    p.set_defaults(func=func)
    return p


def _format_help() -> str:
    return ", ".join(f"{f.name} ({f.describe})" for f in formats.all_formats() if f.listed)


def _one_language_formats() -> str:
    return "/".join(f.name for f in formats.all_formats() if f.one_language)


def _formatter(prog: str) -> argparse.HelpFormatter:
    """Help columns that keep each command's summary on one line of an 80-column terminal."""
    return argparse.HelpFormatter(prog, max_help_position=18)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="linguaflow", description="Speech to text in many languages, on Apache Airflow 3.",
                  epilog="exit codes: 0 ok, 1 run failed, 2 usage, 65 bad input, 69 unreachable, 71 resources, 75 timeout",
                  formatter_class=_formatter)
    top.add_argument("--version", action="version", version=f"linguaflow {_version()}")
    top.add_argument("-v", "--verbose", action="store_true", help="show Airflow's logs and tracebacks")
    sub = top.add_subparsers(dest="cmd", required=True, parser_class=_Parser, title="commands", metavar="COMMAND")

    run = sub.add_parser("run", help="transcribe and translate files here, no server needed",
                         description="Transcribe and translate media files on this machine (no server needed), one after another.")
    run.add_argument("file", nargs="+",
                     help="audio or video files, or folders of them (or s3://bucket/key with storage credentials)")
    run.add_argument("--to", default="zh,ja", help='target languages, codes or names, comma separated ("" = transcript only)')
    run.add_argument("--language", default="auto", help="spoken language, or auto to detect it")
    run.add_argument("--engine", default="faster-whisper", choices=ENGINES, help="ASR engine")
    run.add_argument("--model", default="base", help="ASR model: base, tiny.en or a CTranslate2 directory")
    run.add_argument("--task-id", default=None, help="result id (default: from the file's content)")
    run.add_argument("--glossary", default=None, help='JSON (inline or a file): term -> "keep" or {language: rendering}')
    run.add_argument("--text-items", default=None,
                     help='JSON (inline or a file): text translated beside the transcript, id -> text ({"title": "..."})')
    run.add_argument("--callback", default=None, help="URL POSTed a signed JSON (HMAC-SHA256) when the run ends")
    run.add_argument("--speakers", action="store_true", help="label who speaks (speaker diarization)")
    run.add_argument("--num-speakers", type=int, default=None, metavar="N", help="with --speakers: how many people speak, when known")
    run.add_argument("--min-speakers", type=int, default=None, metavar="N", help="with --speakers: at least this many people speak")
    run.add_argument("--max-speakers", type=int, default=None, metavar="N", help="with --speakers: at most this many people speak")
    run.add_argument("--speaker-names", default=None, metavar="NAMES",
                     help="with --speakers: names in the order they first speak, comma-separated (e.g. 'Front desk,Guest')")
    run.add_argument("--mixed-languages", action="store_true", help="the speech switches language: identify the language of each segment (otherwise the first 30 s decide it for the whole file)")
    run.add_argument("--vocabulary", default="", help="names and terms the speech contains, comma separated (hints for Whisper)")
    run.add_argument("--redact", nargs="?", const="default", default=None, metavar="TYPES",
                     help="tag personal data before anything is stored: default, all or types, comma separated")
    run.add_argument("--redact-style", default="numbered", choices=("numbered", "type"),
                     help="with --redact: [PERSON_1] per value, or [PERSON]")
    run.add_argument("--redact-audio", action="store_true",
                     help="with --redact: also store a copy of the audio with each span replaced by a tone")
    run.add_argument("--keep-original", action="store_true",
                     help="with --redact: keep the transcript as heard too, apart (originals/), for operators")
    run.add_argument("--redact-local-only", action="store_true",
                     help="with --redact: refuse a remote ASR route (it would get the audio before redaction)")
    run.add_argument("--replace", action="store_true", help="drop stored languages this run does not ask for")
    run.add_argument("--estimate", action="store_true",
                     help="estimate each translated segment's quality and flag low_quality where the model doubts it (slower)")
    run.add_argument("--review", action="store_true",
                     help="ask about flagged segments in the terminal (edit or keep each) before the result is stored")
    run.add_argument("--format", default=None, choices=formats.names(), help=f"what to print: {_format_help()}; default text")
    run.add_argument("--lang", default=None,
                     help=f"only these languages in the output (one for {_one_language_formats()}; default: all, for those the spoken one)")
    suffixes = ", ".join(f".{f.suffix} {f.name}" for f in formats.all_formats() if f.suffix)
    run.add_argument("--out", default=None, help=f"write the result to this file, in the form its name says ({suffixes})")
    run.add_argument("--out-format", default=None, choices=formats.names(), help="the form of --out, whatever its name")
    run.add_argument("-v", "--verbose", action="store_true", dest="verbose_run", help="stream Airflow's logs instead of the progress display")
    run.set_defaults(func=local_run.run)

    tr = sub.add_parser("transcribe", help="transcribe one media object to JSON (the GPU pod's job)",
                        description="Transcribe one media object into a transcript JSON, object storage to object "
                                    "storage: the entrypoint of the GPU worker pod.")
    tr.add_argument("--input", required=True, help="media URI: s3://bucket/key, file:///path or a path")
    tr.add_argument("--output", required=True, help="transcript JSON URI")
    tr.add_argument("--engine", default="faster-whisper", choices=ENGINES, help="ASR engine")
    tr.add_argument("--model", default="base", help="ASR model: bundled name or CTranslate2 directory")
    tr.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"], help="where the model runs")
    tr.add_argument("--compute-type", default="auto", help="CTranslate2 compute type (int8, float16, int8_float16, auto)")
    tr.add_argument("--language", default="auto", help="spoken language, or auto")
    tr.add_argument("--task", default="transcribe", choices=["transcribe", "translate"], help="Whisper's task")
    tr.add_argument("--request", default=None, help="the task's request as JSON (engine, model, language, speakers, vocabulary)")
    tr.set_defaults(func=cmd_transcribe)

    sv = sub.add_parser("serve", help="serve Whisper warm behind OpenAI's audio API",
                        description="An OpenAI-compatible transcription service; models load once at start. "
                                    "API key: LINGUAFLOW_SERVE_API_KEY.")
    _listens(sv, 8000)
    sv.add_argument("--model", action="append", default=None,
                    help="a model to serve (repeat for several; the first answers whisper-1): bundled name or CTranslate2 directory")
    sv.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"], help="where the models run")
    sv.add_argument("--compute-type", default="auto", help="CTranslate2 compute type (int8, float16, int8_float16, auto)")
    sv.add_argument("--concurrency", type=int, default=None,
                    help="transcriptions at once (default 1; with --batch-size, the batch size: requests read and "
                         "queued while one decoder works)")
    sv.add_argument("--queue", type=int, default=8, help="requests waiting beyond those; more are answered 429")
    sv.add_argument("--batch-size", type=int, default=0,
                    help="decode speech chunks this many at once, from one file or from every request running "
                         "(faster-whisper batched; 0 = sequential)")
    sv.set_defaults(func=cmd_serve)

    st = sub.add_parser("serve-mt", help="serve the translation models warm behind OpenAI's chat API",
                        description="An OpenAI-compatible chat service over the bundled GGUF translation models; chats "
                                    "from every request decoded side by side. API key: LINGUAFLOW_SERVE_API_KEY.")
    _listens(st, 8001)
    st.add_argument("--model", action="append", default=None,
                    help="a model to serve (repeat for several): a bundled GGUF name or a .gguf file "
                         "(default: the default route's, qwen2.5-coder-1.5b-instruct-q4)")
    st.add_argument("--slots", type=int, default=None, help="chats decoded at once per model (default: LINGUAFLOW_MT_SLOTS, 4)")
    st.add_argument("--queue", type=int, default=32, help="chats waiting beyond those; more are answered 429")
    st.set_defaults(func=cmd_serve_mt)

    # the task API client (LINGUAFLOW_API, LINGUAFLOW_TOKEN or LINGUAFLOW_USER/LINGUAFLOW_PASSWORD)
    sb = sub.add_parser("submit", help="create a task on the server from a file or an s3:// URI",
                        description="Create a task through the task API (LINGUAFLOW_API): a local file is uploaded, "
                                    "an s3:// URI is named.")
    sb.add_argument("media", help="a local file (uploaded) or an s3:// URI")
    sb.add_argument("--to", required=True, help="target languages, comma separated")
    sb.add_argument("--callback", default=None, help="URL to POST the signed completion notice to")
    sb.add_argument("--language", default="auto", help="spoken language or auto")
    sb.add_argument("--engine", default="faster-whisper", choices=ENGINES, help="ASR engine")
    sb.add_argument("--model", default="base", help="ASR model: base, tiny.en or a CTranslate2 directory")
    sb.add_argument("--wait", action="store_true", help="follow progress until the task ends")
    sb.add_argument("--poll", type=float, default=5.0, help="seconds between progress checks with --wait")
    sb.set_defaults(func=tasks.submit)
    on_task(sub, "status", "show a task's state and per-language progress", tasks.status)
    rs = on_task(sub, "result", "print a task's result (server, or the local store)", tasks.result)
    rs.add_argument("--format", default="text", choices=formats.names(listed_only=False), help=f"{_format_help()}; default text")
    rs.add_argument("--lang", default=None, help=f"one language only (needed for {_one_language_formats()})")
    on_task(sub, "cancel", "cancel a task; finished languages stay", tasks.cancel)
    dl = on_task(sub, "delete", "delete a task and everything made from it, everywhere", tasks.delete)
    dl.add_argument("--media", action="store_true", help="also delete the source object (an upload always goes)")
    ls = sub.add_parser("list", help="list tasks, newest first (yours, or all your role sees)")
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
    ls.set_defaults(func=tasks.list_tasks)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.verbose = args.verbose or getattr(args, "verbose_run", False)
    chatty = args.verbose or args.cmd in ("transcribe", "serve")  # the pod's log is its progress, a service's its record
    logging.basicConfig(level=logging.INFO if chatty else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - every failure leaves as one line and its exit code
        code, line = failures.explain(exc)
        if args.verbose:
            logging.getLogger("linguaflow").exception("%s", line)
        print(f"error: {line}", file=sys.stderr)
        return code


def console() -> None:
    """The installed `linguaflow` command: main(), then leave at once. An in-process DAG run
    leaves Airflow's threads behind (its execution API loop, task comms), whose teardown at
    interpreter exit takes ~2.5 s and holds nothing to keep: every store is closed by then."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    console()
