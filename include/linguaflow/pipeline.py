"""The steps of one media task. The DAG's tasks are thin calls into these functions.

Every step reads and writes object storage under `work/<task id>/` and returns only small
references, so a retried or re-run task reuses finished work instead of redoing it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re

from . import asr, media, storage, translate
from .codes import CODE_MAP_VERSION, language_code
from .errors import BadInput
from .result import compact, compact_language, now_iso

log = logging.getLogger(__name__)

TASK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$")


def task_id_for(params: dict, run_id: str) -> str:
    """The task id: given in the conf, else the DAG run id (one file = one run)."""
    task_id = params.get("task_id") or run_id
    if not TASK_ID_RE.match(task_id):
        raise BadInput(f"invalid task id {task_id!r}: letters, digits and . _ : + - only, at most 128")
    return task_id


def work_refs(task_id: str) -> dict:
    """Where this task's transcript goes, and a Kubernetes-safe label for its pods."""
    label = re.sub(r"[^A-Za-z0-9._-]", "-", task_id)[:63].strip("-._") or "task"
    return {"transcript_uri": storage.work_uri(task_id, "transcript.json"), "pod_label": label}


def validate_request(params: dict) -> dict:
    """Check a run's conf before any work: media URI, known languages, known text items."""
    uri = params.get("media_uri") or ""
    if not uri:
        raise BadInput("media_uri is required")
    targets = list(dict.fromkeys(params.get("target_languages") or []))
    for lang in targets:
        translate.route_for(lang)  # unknown language or broken route: refuse before any work
    source = params.get("source_language") or "auto"
    if source != "auto":
        language_code(source)
    items = params.get("text_items") or {}
    if not isinstance(items, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in items.items()):
        raise BadInput("text_items must map ids to strings")
    return {"media_uri": uri, "targets": targets, "source": source, "text_items": items}


def probe_step(task_id: str, media_uri: str) -> dict:
    with storage.local_copy(media_uri) as path:
        info = media.probe(path)
    log.info("probed %s: %s", media_uri, info)
    return {"uri": media_uri, **info.to_dict()}


def transcribe_step(task_id: str, media_info: dict, opts: asr.AsrOptions, store=None) -> str:
    """Transcribe once: a transcript already in storage for the same model is reused.

    The transcript also goes into the result document at once (with the segment timings), so a
    later failure of a translation never loses it.
    """
    out = storage.work_uri(task_id, "transcript.json")
    done = storage.read_json(out) if storage.exists(out) else {}
    if all(done.get(k) == v for k, v in _request_key(opts).items()):
        log.info("transcript already in storage, reusing %s", out)
    else:
        transcribe_to(media_info["uri"], out, opts, media_info.get("duration"))
    if store is not None:  # the transcript, timings and media go into the result document now
        store.merge(compact(build_document(task_id, media_info, out, [], {}, status="running")))
    return out


def _request_key(opts: asr.AsrOptions) -> dict:
    """What makes two transcripts of one file the same: engine, model, task, requested language."""
    return {"engine": opts.engine, "model": opts.model, "task_kind": opts.task, "request_language": opts.language}


def transcribe_to(media_uri: str, out_uri: str, opts: asr.AsrOptions, duration: float | None = None) -> dict:
    """Transcribe media from object storage into a transcript JSON in object storage.

    Shared by the in-process task and `linguaflow transcribe` (the GPU pod's entrypoint).
    """
    with storage.local_copy(media_uri) as path:
        if duration is None:
            duration = media.probe(path).duration
        transcript = asr.transcribe(path, opts, progress=lambda f: log.info("progress %.0f%%", 100 * f), duration=duration)
    doc = {**transcript.to_dict(), **_request_key(opts)}
    storage.write_json(out_uri, doc)
    log.info("%d segments, language %s, written to %s", len(transcript.segments), transcript.language, out_uri)
    return doc


def _input_hash(items: list, source: str, target: str, route: str) -> str:
    raw = json.dumps([items, source, target, route], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def translate_step(task_id: str, transcript_uri: str, target: str, text_items: dict, store=None) -> str:
    """Translate transcript segments (A) and text items (T) into `target`; skip if already done."""
    transcript = storage.read_json(transcript_uri)
    source = transcript["language"]
    audio = [(s["id"], s["text"]) for s in transcript["segments"]]
    texts = sorted(text_items.items())
    route = "source" if source == target else translate.route_for(target).name
    digest = _input_hash([audio, texts], source, target, route)
    out = storage.work_uri(task_id, "translations", f"{target}.json")
    if storage.exists(out) and storage.read_json(out).get("input_hash") == digest:
        log.info("translation to %s already in storage for this input, reusing %s", target, out)
        return out
    # one call for both kinds, so one route translates them all; text ids are kept apart by a prefix
    done, model = translate.translate(audio + [(f"T:{i}", t) for i, t in texts], source, target)
    entry = {"audio": dict(done[: len(audio)]), "text": {i[2:]: t for i, t in done[len(audio) :]}}
    storage.write_json(out, {"input_hash": digest, "source": source, "target": target, "model": model, **entry})
    if store is not None:  # write the language as soon as it is done
        store.put_language(task_id, language_code(target), compact_language(entry), "d", model)
    return out


def build_document(
    task_id: str, media_info: dict, transcript_uri: str, translation_uris: list[str], text_items: dict, status: str = "done"
) -> dict:
    """Merge transcript and translations into the expanded result document."""
    transcript = storage.read_json(transcript_uri)
    source = transcript["language"]
    languages = {
        source: {
            "status": "done",
            "model": f"{transcript['engine']}/{transcript['model']}/{transcript['compute_type']}",
            "audio": {s["id"]: s["text"] for s in transcript["segments"]},
            "text": dict(text_items),
        }
    }
    for uri in translation_uris:
        tr = storage.read_json(uri)
        languages[tr["target"]] = {"status": "done", "model": tr["model"], "audio": tr["audio"], "text": tr["text"]}
    now = now_iso()
    return {
        "task_id": task_id,
        "code_map_version": CODE_MAP_VERSION,
        "status": status,
        "source_language": source,
        "media": {"uri": media_info["uri"], "duration": media_info["duration"]},
        "segments": [{"id": s["id"], "start": s["start"], "end": s["end"]} for s in transcript["segments"]],
        "models": {"asr": languages[source]["model"]},
        "languages": languages,
        "created": now,
        "updated": now,
    }


def package_step(task_id: str, media_info: dict, transcript_uri: str, translation_uris: list[str], text_items: dict, store) -> dict:
    """Write the final coded document (upsert by task id) and keep a copy in object storage."""
    coded = compact(build_document(task_id, media_info, transcript_uri, translation_uris, text_items))
    store.put(coded)
    storage.write_json(storage.work_uri(task_id, "result.json"), coded)
    return coded
