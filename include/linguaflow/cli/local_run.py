"""`linguaflow run`: one media file through the media DAG in this process, on the embedded default.

Everything a user can get wrong (file, languages, formats, undecodable media) is checked before
Airflow is imported, so a mistake costs about a second and one line. A re-run that asks nothing
new (same file, same request, languages all stored) is answered from the store without starting
Airflow; one that asks more languages adds them and keeps the others (`--replace` drops them).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput
from ..request import MediaRequest
from ..languages import language as normalize_language
from ..settings import split_csv
from .failures import UsageError, explain



# The request field each `linguaflow run` flag sets (its argparse dest); every field but the
# media (the positional file) has one, so a field added to MediaRequest fails the CLI's test
# until `run` offers it too.
FLAG_FIELDS = {
    "to": "target_languages", "language": "source_language", "engine": "asr_engine", "model": "asr_model",
    "task_id": "task_id", "callback": "callback_url", "text_items": "text_items", "glossary": "glossary",
    "speakers": "diarize", "num_speakers": "num_speakers", "min_speakers": "min_speakers", "max_speakers": "max_speakers",
    "speaker_names": "speaker_names", "mixed_languages": "mixed_languages",
    "vocabulary": "vocabulary", "estimate": "quality_estimate", "review": "review", "replace": "replace", "redact": "redact", "redact_style": "redact_style",
    "redact_local_only": "redact_local_only", "redact_audio": "redact_audio", "keep_original": "keep_original",
}


def file_task_id(path: str) -> str:
    """Same file -> same task id, so a re-run updates (or is answered by) one result document."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "file-" + h.hexdigest()[:20]


@dataclass
class Plan:
    """A checked `run`: the request and how to show its result."""

    request: MediaRequest
    fmt: str | None  # on stdout (None: nothing)
    langs: list[str] | None
    out: str | None
    out_fmt: str | None


def media_uri(arg: str) -> str:
    """A local file -> file:// URI; s3:// passes when credentials are configured; anything else is refused."""
    if "://" in arg:
        scheme = arg.split("://", 1)[0].lower()
        if scheme == "file":
            arg = arg[len("file://"):]
        elif scheme == "s3":
            _check_s3_credentials()
            return arg
        else:
            raise UsageError(f"cannot read {scheme}:// media: give a local file or an s3:// URI")
    path = os.path.abspath(os.path.expanduser(arg))
    if not os.path.exists(path):
        raise UsageError(f"no such file: {arg}")
    if os.path.isdir(path):
        raise UsageError(f"{arg} is a directory: give one media file (a folder: for f in {arg.rstrip('/')}/*; do linguaflow run \"$f\"; done)")
    if not os.access(path, os.R_OK):
        raise UsageError(f"cannot read {arg}: permission denied")
    return "file://" + path


def _check_s3_credentials() -> None:
    from ..settings import settings, storage_credentials_configured

    if storage_credentials_configured():
        return
    conn = settings().storage_conn_id
    hint = (f"set AIRFLOW_CONN_{conn.upper()} (e.g. aws://KEY:SECRET@/?endpoint_url=http://host:9000)" if conn
            else "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for MinIO)")
    raise UsageError(f"s3:// media needs storage credentials: {hint}")


def output_languages(value: str | None) -> list[str] | None:
    if not value:
        return None
    try:
        return [normalize_language(v) for v in split_csv(value)]
    except BadInput as exc:
        raise UsageError(f"--lang: {exc}") from None


def plan(args) -> Plan:
    """Check every argument of `run` (no Airflow import); UsageError or BadInput on a mistake."""
    uri = media_uri(args.file)
    path = uri[len("file://"):] if uri.startswith("file://") else None
    try:
        request = MediaRequest.parse({
            "media_uri": uri, "target_languages": split_csv(args.to), "source_language": args.language,
            "asr_engine": args.engine, "asr_model": args.model,
            "task_id": args.task_id or (file_task_id(path) if path else None),
            "glossary": _json_option(args.glossary, "--glossary"), "replace": args.replace, "review": args.review,
            **({"quality_estimate": True} if args.estimate else {}),
            "text_items": _json_option(args.text_items, "--text-items"), "callback_url": args.callback,
            "diarize": args.speakers or any(x is not None for x in (args.num_speakers, args.min_speakers, args.max_speakers,
                                                                   args.speaker_names)),
            "num_speakers": args.num_speakers, "min_speakers": args.min_speakers, "max_speakers": args.max_speakers,
            "speaker_names": split_csv(args.speaker_names) if args.speaker_names else [],
            "mixed_languages": args.mixed_languages, "vocabulary": args.vocabulary.split(",") if args.vocabulary else [],
            "redact": split_csv(args.redact) if args.redact else [], "redact_style": args.redact_style,
            "redact_local_only": args.redact_local_only, "redact_audio": args.redact_audio, "keep_original": args.keep_original,
        })
    except BadInput as exc:
        raise UsageError(str(exc)) from None
    from ..weights import BUNDLED_ASR, asr_model_known

    if not asr_model_known(request.asr_model, request.asr_engine):
        raise UsageError(f"unknown ASR model {request.asr_model!r}: one of {', '.join(BUNDLED_ASR)}, or a CTranslate2 model directory")
    if request.task_id is None:  # s3://: one object -> one task id, as the inbox names it
        request.task_id = "s3-" + hashlib.sha256(uri.encode()).hexdigest()[:20]
    from ..results import formats

    langs = output_languages(args.lang)
    fmt = args.format or (None if args.out else "text")  # --out alone: the file, nothing on stdout
    out_fmt = None
    if args.out:
        by_name = formats.by_suffix(Path(args.out).suffix)
        out_fmt = args.out_format or (by_name.name if by_name else None)
        if out_fmt is None:
            suffixes = ", ".join(f".{f.suffix}" for f in formats.all_formats() if f.suffix)
            raise UsageError(f"--out {args.out}: name a file ending {suffixes}, or give --out-format")
        if os.path.isdir(args.out):
            raise UsageError(f"--out {args.out} is a directory: name a file")
    for f in (fmt, out_fmt):
        if f and formats.get(f).one_language and langs and len(langs) > 1:
            raise UsageError(f"{f} is for one language: --lang takes one code")
    if path:
        _probe(path)
    return Plan(request, fmt, langs, args.out, out_fmt)


def _probe(path: str) -> None:
    """Undecodable media fails here, in milliseconds, with the reason (BadInput, exit 65)."""
    from ..speech import probe

    probe.probe(path)


def _json_option(value: str | None, flag: str) -> dict:
    """A JSON option: inline JSON or a JSON file (--glossary '{"Acme": "keep"}', --text-items items.json)."""
    import json

    if not value:
        return {}
    try:
        text = open(value, encoding="utf-8").read() if os.path.isfile(value) else value
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{flag}: not a JSON object or a JSON file ({exc})") from None


def already_done(stored: dict | None, request: MediaRequest) -> bool:
    """Does the store hold everything this request asks (same request, every language succeeded,
    each made by the route the routing table now gives it)?"""
    from ..pipeline import request_digest
    from ..results import document
    from ..translation import router

    if not stored or document.state_of(stored) not in document.SUCCEEDED:
        return False
    if stored.get("_rq") != request_digest(request):
        return False
    states = document.language_states(stored)
    spoken = document.summary(stored)["source_language"]
    if any(states.get(lang) not in document.SUCCEEDED for lang in request.target_languages if lang != spoken):
        return False
    made_by = document.language_models(stored)
    if any(made_by.get(lang) not in router.route_names(lang) for lang in request.target_languages if lang != spoken):
        return False  # the routing table changed since (e.g. a language routed to another model)
    return not request.replace or set(states) - {spoken} == set(request.target_languages) - {spoken}


def render(coded: dict, fmt: str, langs: list[str] | None) -> str:
    """The stored result in an output format, for the languages asked (all when none; a format for
    one language, such as subtitles, defaults to the spoken one)."""
    from ..results import document, formats

    if formats.get(fmt).one_language and not langs:
        langs = [document.summary(coded)["source_language"]]
    return formats.as_text(formats.render(coded, fmt, langs))


def media_files(args: list[str]) -> list[str]:
    """The files `run` was given: a folder stands for the files directly in it (not hidden), in
    name order; s3:// URIs and files as they are."""
    files = []
    for arg in args:
        if not arg.startswith("s3://") and os.path.isdir(arg):
            inside = sorted(str(p) for p in Path(arg).iterdir() if p.is_file() and not p.name.startswith("."))
            if not inside:
                raise UsageError(f"no files in the folder {arg}")
            files += inside
        else:
            files.append(arg)
    return files


def run(args) -> int:
    """`linguaflow run FILE...`: one file, or each in turn with a line naming it, its own result and
    summary, and a last line over all; the exit code is the worst of them."""
    files = media_files(args.file)
    if len(files) == 1:
        return run_one(argparse.Namespace(**{**vars(args), "file": files[0]}))
    if args.task_id or args.out:
        raise UsageError("--task-id and --out name one file's result: give one file")
    codes = []
    for n, path in enumerate(files, 1):
        print(f"[{n}/{len(files)}] {path}", file=sys.stderr, flush=True)
        try:
            codes.append(run_one(argparse.Namespace(**{**vars(args), "file": path})))
        except (UsageError, BadInput, OSError) as exc:  # this file is wrong: say so, go on with the others
            code, line = explain(exc)
            print(f"error: {path}: {line}", file=sys.stderr, flush=True)
            codes.append(code)
    failed = sum(1 for c in codes if c)
    print(f"{len(files)} files: {len(files) - failed} done, {failed} not", file=sys.stderr)
    return max(codes)


def run_one(args) -> int:
    """Plan, then answer from the store or run the DAG; print the result and a summary."""
    began = time.monotonic()
    p = plan(args)
    from ..orchestration import embedded
    from .. import pipeline, progress
    from .display import StepDisplay, quiet
    from .terminal_review import TerminalReview

    from ..settings import settings

    external_db = settings().mongo_uri  # read before the embedded store puts its own address there
    # Airflow's SQLite metadata under the embedded home takes one run at a time too (the embedded
    # result store holds the lock itself)
    with embedded.one_at_a_time() if external_db else contextlib.nullcontext(), embedded.result_store() as store:
        log_path = embedded.home() / "logs" / f"run-{time.strftime('%Y%m%d-%H%M%S')}.log"
        task_id = p.request.task_id
        stored = store.get(task_id)
        reused = already_done(stored, p.request)
        state = None
        if not reused:
            with contextlib.nullcontext(sys.stderr) if args.verbose else quiet(log_path) as terminal:
                logging.getLogger().setLevel(logging.INFO)  # into the log file
                display = StepDisplay(terminal)
                pipeline.transcribe_early(p.request)
                embedded.ensure_schema()
                review = TerminalReview(task_id, p.request, terminal) if p.request.review else None
                with progress.listening(display), review or contextlib.nullcontext():
                    state = str(embedded.run_dag(p.request.conf()).state).rsplit(".", 1)[-1].lower()
            stored = store.get(task_id)
    ran_log = None if reused or args.verbose else log_path
    return _finish(p, stored, state, reused, ran_log, time.monotonic() - began, external_db)


def _finish(p: Plan, coded: dict | None, run_state: str | None, reused: bool, log_path: Path | None, seconds: float,
            external_db: str | None) -> int:
    from ..orchestration import embedded
    from ..results import document
    from ..results.readable import language_name, media_warning, state_name
    from ..settings import settings

    task_id = p.request.task_id
    if coded is None:
        print(f"error: the run ended {run_state} without a result" + (f"; its log: {log_path}" if log_path else ""), file=sys.stderr)
        return 1
    if p.out:
        Path(p.out).parent.mkdir(parents=True, exist_ok=True)
        Path(p.out).write_text(render(coded, p.out_fmt, p.langs), encoding="utf-8")
    if p.fmt:
        sys.stdout.write(render(coded, p.fmt, p.langs))
        sys.stdout.flush()
    state = document.state_of(coded)
    doc = document.expand(coded)
    spoken = doc["source_language"]
    shares, quality = document.flagged_shares(coded), document.quality_summaries(coded)

    def told(lang: str) -> str:  # " (2 of 14 flagged; quality estimate 0.61)"
        said = ([f"{shares[lang]['flagged']} of {shares[lang]['items']} flagged"] if lang in shares else []) \
            + ([f"quality estimate {quality[lang]['mean']:.2f}"] if lang in quality else [])
        return f" ({'; '.join(said)})" if said else ""

    langs = [f"{language_name(lang)} {state_name(s)}{told(lang)}"
             for lang, s in document.language_states(coded).items() if lang != spoken]
    what = ", ".join(langs) if langs else "transcript only (no --to languages)"
    flagged = shares.get(spoken, {}).get("flagged", 0) if spoken else 0
    where = external_db or f"the embedded store ({embedded.home() / 'db'})"
    lines = [f"{state_name(state or 'unknown')}: {len(doc['segments'])} segments of {language_name(spoken or '?')} → {what}"
             + (f"; {flagged} transcript segments flagged" if flagged else "")
             + (" — answered from the store, nothing ran (same file, same request)" if reused else f" in {seconds:.1f} s")]
    if doc.get("error"):
        lines.append(f"error: {doc['error']}")
    if doc["media"].get("warnings"):
        lines.append(f"warning: {media_warning(doc['media'])}")
    lines.append(f"task {task_id} in {where}; artefacts under {settings().work_root_uri}/work/{task_id}/")
    if p.out:
        lines.append(f"wrote {p.out} ({p.out_fmt})")
    if log_path:
        lines.append(f"Airflow's log: {log_path}")
    print("\n".join(lines), file=sys.stderr)
    return 0 if state in document.SUCCEEDED and (reused or run_state == "success") else 1
