"""The steps of one media task. The DAG's tasks are thin calls into these functions.

Every step reads and writes object storage under `work/<task id>/` and returns only small
references, so a retried or re-run task reuses finished work instead of redoing it.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextvars
import hashlib
import json
import logging
import re
import threading
import time

from . import limits, policy, progress, review, storage
from .artefacts import StoredTranscript, Translation, beside, original_of, transcript_digest, transcript_uri, translation_uri
from .errors import BadInput
from .languages import CODE_MAP_VERSION
from .privacy import audio as redacted_audio
from .privacy import redact
from .request import MediaRequest
from .settings import settings
from .results.document import SUCCEEDED, compact, compact_language, now_iso, summary
from .results.subtitles import numbered_names
from .speech import probe, routing, transcribe
from .speech.types import AsrOptions, Transcript, resolve_device
from .translation import glossary as glossary_terms
from .translation import backends, batched_llama, router, sentences

log = logging.getLogger(__name__)


def pod_label(task_id: str) -> str:
    """A Kubernetes-safe label value for a task's pods."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", task_id)[:63].strip("-._") or "task"


def probe_step(conf: dict, run_id: str, store=None, creator: str | None = None) -> dict:
    """Check a run's request and its media before any work; the job every later step gets.

    The conf is parsed with the one request model again, so a run triggered straight through
    Airflow's REST API meets the same rules as one created through the task API. The task is
    recorded in the result store (listed from now on, with who triggered it)."""
    with progress.step("probe") as shown:
        req = MediaRequest.parse(conf)
        task_id = req.task_id_for(run_id)
        if store is not None:
            store.register(task_id, req.media_uri, req.target_languages, creator, run_id, bleeped=req.redact_audio)
        policy.check_media(req.media_uri, from_api=False)  # what JSON Schema cannot say: allow-lists,
        policy.check_callback(req.callback_url)  # resolved addresses
        policy.check_asr_model(req.asr_model, req.asr_engine)
        if req.redact_local_only and asr_options(req).engine == "remote":
            raise BadInput("redact_local_only: this request's transcription goes to a remote ASR service, which would "
                           "receive the audio before redaction (choose faster-whisper or openai-whisper)")
        for lang in req.target_languages:
            router.route_for(lang)  # a broken route: refuse before any work
        with storage.local_copy(req.media_uri) as path:
            info = probe.probe(path)
        log.info("probed %s: %s", req.media_uri, info)
        shown["duration"] = info.duration
    return {
        "task_id": task_id,
        "request": req.model_dump(),
        "media": {"uri": req.media_uri, **info.to_dict()},
        "transcript_uri": transcript_uri(task_id),
        "pod_label": pod_label(task_id),
    }


def asr_options(request: MediaRequest) -> AsrOptions:
    """The transcription options a request asks for."""
    lang = None if request.source_language == "auto" else request.source_language
    return routing.route(AsrOptions(engine=request.asr_engine, model=request.asr_model, language=lang,
                                    device=resolve_device(settings().asr_device),
                                    batch_size=settings().asr_batch_size, diarize=request.diarize,
                                    num_speakers=request.num_speakers, min_speakers=request.min_speakers,
                                    max_speakers=request.max_speakers, initial_prompt=vocabulary_prompt(request.vocabulary),
                                    language_per_segment=request.mixed_languages,
                                    redact=redact.expand_types(request.redact), redact_style=request.redact_style,
                                    redact_audio=request.redact_audio, word_timestamps=request.redact_audio,
                                    keep_original=request.keep_original, redact_local_only=request.redact_local_only,
                                    redact_text_items=tuple(sorted(request.text_items.items())) if request.redact else ()))


def vocabulary_prompt(terms: list[str]) -> str | None:
    """A request's vocabulary as Whisper's initial prompt: the terms, spelled as asked; every engine
    takes it (faster-whisper's hotwords got no more right, and both together did worse:
    bench/vocabulary_bench.py)."""
    return ", ".join(terms) + "." if terms else None


def transcribe_step(task_id: str, media_info: dict, opts: AsrOptions, store=None) -> str:
    """Transcribe once: a transcript already in storage for the same model is reused.

    The transcript also goes into the result document at once (with the segment timings), so a
    later failure of a translation never loses it.
    """
    out = transcript_uri(task_id)
    with progress.step("transcribe", duration=media_info["duration"]) as shown:
        early = _wait_for_early_transcription(task_id, limits.limit_for(media_info["duration"]))
        done = StoredTranscript.read_if_there(out)
        if done is not None and done.answers(_request_key(opts)):
            log.info("transcript already in storage, reusing %s", out)
            shown.update({"early_s": early} if early else {"reused": True})
        else:
            with limits.time_limit(limits.limit_for(media_info["duration"]), "transcribe"):
                done = transcribe_to(media_info["uri"], out, opts, media_info.get("duration"))
        heard = done.transcript.speakers
        shown.update(segments=len(done.transcript.segments), language=done.transcript.language,
                     **({"speakers": len(heard), "speakers_doubt": done.transcript.speakers_doubt} if heard else {}))
        if store is not None:  # the transcript, timings and media go into the result document now
            store.merge(compact(build_document(task_id, media_info, done.transcript, [], {}, status="running")))
    return out


# Transcriptions begun before their run's transcribe task, in this process, by task id.
_EARLY: dict[str, concurrent.futures.Future] = {}


def transcribe_early(request: MediaRequest) -> bool:
    """Begin the transcription of a run about to start, in a thread, into the storage its
    transcribe step reads: the embedded `run` calls this before starting Airflow in-process (~3 s
    on 2 cores of imports, DAG parsing and run creation that need not wait for it), and the step
    then waits for it and reuses the stored transcript. Only for a local file into local storage
    with an in-process engine, after the same policy checks as `probe`; anything that goes wrong
    here is left for the steps to meet again and report. True when begun."""
    try:
        opts = asr_options(request)
        if (request.task_id is None or opts.engine == "remote" or not request.media_uri.startswith("file://")
                or not storage.work_uri(request.task_id, "x").startswith("file://")):
            return False
        policy.check_media(request.media_uri, from_api=False)
        policy.check_asr_model(request.asr_model, request.asr_engine)
    except Exception:  # noqa: BLE001 - probe refuses it, with the reason, in its turn
        return False
    out = transcript_uri(request.task_id)
    result: concurrent.futures.Future = concurrent.futures.Future()

    def work() -> None:
        try:
            began = time.monotonic()
            done = StoredTranscript.read_if_there(out)
            if done is not None and done.answers(_request_key(opts)):
                result.set_result(None)  # already there: the step says "reused"
                return
            transcribe_to(request.media_uri, out, opts)
            result.set_result(time.monotonic() - began)
        except BaseException as exc:  # noqa: BLE001 - handed to the step, which transcribes itself
            result.set_exception(exc)

    # a daemon: a run that ends before its transcribe step (refused, failed) never waits for it
    threading.Thread(target=work, name="early-transcription", daemon=True).start()
    _EARLY[request.task_id] = result
    return True


def _wait_for_early_transcription(task_id: str, limit_s: float) -> float | None:
    """The seconds an early transcription of this task took, once it has ended; None when there
    was none, it found the transcript already stored, or it failed (the step then transcribes,
    and meets the failure itself). Past the step's limit: StepTimeout, as the step itself would."""
    early = _EARLY.pop(task_id, None)
    if early is None:
        return None
    try:
        return early.result(timeout=limit_s)
    except concurrent.futures.TimeoutError:
        raise limits.StepTimeout(f"transcribe ran past its limit of {limit_s:.0f} s (sized from the media's duration)") from None
    except Exception as exc:  # noqa: BLE001 - done again below, where it is classified and reported
        log.info("the early transcription did not finish (%s): transcribing in the step", exc)
        return None


def _range(opts: AsrOptions) -> str:
    """'auto', or the count's range when the request gave one ('2-4')."""
    if opts.min_speakers is None and opts.max_speakers is None:
        return "auto"
    return f"{opts.min_speakers or 1}-{opts.max_speakers or ''}"


def _request_key(opts: AsrOptions) -> dict:
    """What makes two transcripts of one file the same: engine, model, task, requested language,
    speakers and vocabulary (as asked: the transcript's own `engine`/`model` say what made it, e.g. a local fallback)."""
    from .speech.diarize import VERSION as DIARIZATION
    from .speech.segment_language import VERSION as SEGMENT_LANGUAGE

    return {"request_engine": opts.engine, "request_model": opts.model, "task_kind": opts.task, "request_language": opts.language,
            # None reads the same as absent: transcripts made before these keys stay reusable
            "diarization": f"{DIARIZATION}/{opts.num_speakers or _range(opts)}" if opts.diarize else None,
            "hints": [opts.initial_prompt, opts.hotwords] if opts.initial_prompt or opts.hotwords else None,
            "segment_languages": SEGMENT_LANGUAGE if opts.language_per_segment else None,
            "redact": [redact.VERSION, list(opts.redact), opts.redact_style, opts.redact_audio, bool(opts.keep_original),
                       hashlib.sha256(json.dumps(opts.redact_text_items).encode()).hexdigest()[:16]] if opts.redact else None}


def transcribe_to(media_uri: str, out_uri: str, opts: AsrOptions, duration: float | None = None) -> StoredTranscript:
    """Transcribe media from object storage into a transcript JSON in object storage.

    Shared by the in-process task and `linguaflow transcribe` (the GPU pod's entrypoint), so
    wherever it runs, personal data the request asks to redact is tagged before the transcript is
    stored (the text as heard is never written).
    """
    if opts.redact_local_only and opts.engine == "remote":  # probe checked it; a worker's own routing may differ
        raise BadInput("redact_local_only: this worker routes the transcription to a remote ASR service")
    if opts.redact:
        _forget_unredacted(out_uri, opts.keep_original)
    items = None
    with storage.local_copy(media_uri) as path:
        if duration is None:
            duration = probe.probe(path).duration
        transcript = transcribe.transcribe(path, opts, progress=_transcription_progress, duration=duration)
        if opts.redact:
            if opts.keep_original:  # as heard, apart from everything else: asked for, operators only
                kept = StoredTranscript(transcript, _request_key(opts), dict(opts.redact_text_items)).write(original_of(out_uri))
            with progress.step("redact") as shown:
                transcript, items = redact.redact_task(transcript, dict(opts.redact_text_items), opts.redact, opts.redact_style)
                shown.update(found=len(transcript.redaction["found"]), patterns_only=transcript.redaction["patterns_only"])
                if opts.redact_audio:
                    transcript.redaction["audio"] = _redacted_audio(path, beside(out_uri, redacted_audio.FILE),
                                                                    transcript.redaction["found"])
                if opts.keep_original:
                    transcript.redaction["original"] = kept
    stored = StoredTranscript(transcript, _request_key(opts), items)
    stored.write(out_uri)
    log.info("%d segments, language %s, written to %s", len(transcript.segments), transcript.language, out_uri)
    return stored


def _forget_unredacted(out_uri: str, keep_original: bool) -> None:
    """Before a redacted transcript is made: what an earlier run of the task made from the words
    as heard goes (its translations, a review's edits, a transcript kept as heard and no longer asked for)."""
    storage.delete_tree(beside(out_uri, "translations"))
    storage.delete(beside(out_uri, review.REVIEW_FILE))
    if not keep_original:
        storage.delete(original_of(out_uri))


def _redacted_audio(path: str, uri: str, found: list[dict]) -> str:
    """The media's audio with the redacted spans bleeped, stored beside the transcript; its URI."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="linguaflow-") as tmp:
        local = f"{tmp}/{redacted_audio.FILE}"
        redacted_audio.write_redacted(path, local, redacted_audio.spans_of(found))
        return storage.upload(local, uri)


def _transcription_progress(fraction: float) -> None:
    log.info("progress %.0f%%", 100 * fraction)
    progress.emit("transcribe", "progress", fraction=fraction)


SENTENCES_VERSION = "whole-sentences-1"  # segments are translated as whole sentences, then split back
CHECK_VERSION = "output-check-16"  # a translation made before the current checks (language, glossary, meaning) is made again


def _input_hash(items: list, source: str, target: str, route: str) -> str:
    raw = json.dumps([items, source, target, route], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


_made_alongside: set[tuple[str, str]] = set()  # (task id, language) decoded by another language's task here


def translate_task(task_id: str, transcript_uri: str, target: str, request: MediaRequest, store=None) -> str:
    """One language's translate task.

    With `languages_together` (the embedded default, whose tasks run one after another in one
    process), the first language's task also translates every other language of the run on the
    same in-process model, each in its own thread, all through one batched decoder: chats decoded
    side by side, and one language's slow chats overlapping the others' (`run --to zh,ja,de` in
    0.65× the time on 2 cores; bench/RESULTS.md, "A run's languages at once").
    Each result is stored as its own `translate_step` stores it, so the other languages' tasks
    find it made for this input and reuse it; a language that failed here is tried again by its
    own task. Airflow still holds one task per language: retries, state and review per language."""
    def step(lang: str) -> str:
        return translate_step(task_id, transcript_uri, lang, request.text_items, store=store, glossary=request.glossary,
                              estimate=request.quality_estimate)

    if (task_id, target) in _made_alongside:
        _made_alongside.discard((task_id, target))
        with progress.quiet():  # shown while it was decoded
            return step(target)
    others = router.decoded_with(target, request.target_languages) if settings().languages_together else []
    if not others:
        return step(target)
    log.info("translating %s alongside %s on one batched decoder", ", ".join(others), target)
    route = router.route_for(target)
    with backends.decoded_together(), progress.adding(together=True), \
            concurrent.futures.ThreadPoolExecutor(len(others), "alongside") as pool:
        router.backend(route)  # the engine loaded once, before the threads ask for it
        alongside = {lang: pool.submit(contextvars.copy_context().run, step, lang) for lang in others}
        try:
            return step(target)
        except BaseException as exc:
            if not isinstance(exc, Exception):  # Ctrl-C, exit: stop the decoder, the threads end at once
                batched_llama.close(route.model)
            raise
        finally:
            for lang, future in alongside.items():  # before this task ends, or the next redoes it
                try:
                    future.result()
                    _made_alongside.add((task_id, lang))
                except Exception as exc:  # noqa: BLE001 - its own task tries again, with its retries
                    log.warning("translating %s alongside %s failed (%s: %s); its own task tries again", lang, target,
                                type(exc).__name__, exc)


def translate_step(task_id: str, transcript_uri: str, target: str, text_items: dict, store=None,
                   glossary: dict | None = None, estimate: bool = False) -> str:
    """Translate transcript segments (A) and text items (T) into `target` (with the task's
    glossary, and each segment's quality estimate if asked); skip if already done for the same input."""
    with progress.step("translate", lang=target) as shown:
        stored = StoredTranscript.read(transcript_uri)
        transcript, text_items = stored.transcript, stored.text_items_or(text_items)
        source = transcript.language
        audio = [(s.id, s.text) for s in transcript.segments]
        spoken = {s.id: s.language for s in transcript.segments if s.language}  # mixed-language speech
        texts = sorted(text_items.items())
        route = "source" if source == target else router.route_for(target).name
        hashed = [audio, texts, CHECK_VERSION, SENTENCES_VERSION, glossary_terms.renderings(glossary, target)] + ([spoken] if spoken else []) \
            + ([router.estimated_by()] if estimate else [])
        digest = _input_hash(hashed, source, target, route)
        out = translation_uri(task_id, target)
        earlier = Translation.read_if_there(out)
        if earlier is not None and earlier.input_hash == digest:
            log.info("translation to %s already in storage for this input, reusing %s", target, out)
            shown.update(reused=True, segments=len(audio), state=earlier.status, flagged=len(earlier.flags))
            return out
        # one call for both kinds, so one route translates them all; text ids are kept apart by a prefix
        with limits.time_limit(limits.limit_for(transcript.duration), f"translate to {target}"):
            quality: dict[str, float] = {}
            done_audio, done_texts, model, flagged = sentences.translate(
                router.translate_checked, [a for a in audio if a[0] not in spoken], [(f"T:{i}", t) for i, t in texts],
                source, target, glossary=glossary, quality=quality, estimate=estimate)
            for lang in sorted(set(spoken.values())):  # segments spoken in another language: from theirs
                more, _, _, more_flags = sentences.translate(
                    router.translate_checked, [a for a in audio if spoken.get(a[0]) == lang], [], lang, target, glossary=glossary,
                    quality=quality, estimate=estimate)
                done_audio, flagged = [*done_audio, *more], {**flagged, **more_flags}
            order = {sid: n for n, (sid, _) in enumerate(audio)}
            done_audio = sorted(done_audio, key=lambda item: order[item[0]])
        flags = {i.removeprefix("T:"): [f.flag for f in found] for i, found in flagged.items()}
        reasons = {i.removeprefix("T:"): "; ".join(f.reason for f in found) for i, found in flagged.items()}
        made = Translation(target=target, source=source, model=model, status="done_with_flags" if flags else "done",
                           audio=dict(done_audio), text={i[2:]: t for i, t in done_texts}, flags=flags, reasons=reasons,
                           quality={i.removeprefix("T:"): q for i, q in quality.items()},
                           input_hash=digest, transcript_digest=transcript_digest(transcript))
        shown.update(segments=len(audio), state=made.status, flagged=len(flags))
        if flags:
            log.warning("%s: %d of %d items flagged %s", target, len(flags), len(done_audio) + len(done_texts), sorted({f for v in flags.values() for f in v}))
        made.write(out)
        if store is not None:  # write the language as soon as it is done
            store.put_language(task_id, target, compact_language({"audio": made.audio, "text": made.text}), made.status,
                               model, flags, reasons, made.quality)
        return out


def build_document(
    task_id: str, media_info: dict, transcript: Transcript, translations: list[Translation], text_items: dict,
    status: str = "done", speaker_names: list[str] = (),
) -> dict:
    """Merge transcript and translations into the expanded result document; `speaker_names` name
    the speakers heard in order of first speech."""
    source = transcript.language
    asr_flags = {s.id: s.flags for s in transcript.segments if s.flags}  # likely hallucinations
    languages = {
        source: {
            "status": "done_with_flags" if asr_flags else "done",
            "model": f"{transcript.engine}/{transcript.model}/{transcript.compute_type}",
            "audio": {s.id: s.text for s in transcript.segments},
            "text": dict(text_items),
            **({"flags": asr_flags} if asr_flags else {}),
        }
    }
    for tr in translations:
        languages[tr.target] = tr.entry()
    media = {"uri": media_info["uri"], "duration": media_info["duration"]}
    decoded = transcript.duration if transcript.engine != "remote" else None  # a service decodes on its side
    damaged = transcript.decode_errors
    warnings = probe.media_warnings(media_info["duration"], decoded, damaged)
    if warnings:
        media.update(decoded_duration=decoded, decode_errors=damaged)
        log.warning("media %s: %s (%s s of %s s decoded, %s damaged packets)", media_info["uri"], warnings, decoded,
                    media_info["duration"], damaged)
    if transcript.speakers_doubt:
        warnings = [*warnings, "speakers_uncertain"]
        media["speakers_doubt"] = transcript.speakers_doubt
    if warnings:
        media["warnings"] = warnings
    now = now_iso()
    if status == "done" and (warnings or any(entry.get("flags") for entry in languages.values())):
        status = "done_with_flags"
    return {
        "task_id": task_id,
        "code_map_version": CODE_MAP_VERSION,
        "status": status,
        "source_language": source,
        "media": media,
        "segments": [{"id": s.id, "start": s.start, "end": s.end, **({"speaker": s.speaker} if s.speaker else {}),
                      **({"language": s.language} if s.language else {})}
                     for s in transcript.segments],
        "models": {"asr": languages[source]["model"]},
        "languages": languages,
        "created": now,
        "updated": now,
        **({"redaction": transcript.redaction} if transcript.redaction else {}),
        **({"speaker_names": names} if (names := numbered_names(speaker_names, transcript.speakers)) else {}),
    }


def package_step(task_id: str, media_info: dict, transcript_uri: str, translation_uris: list[str], request: MediaRequest,
                 store) -> dict:
    """Write the final coded document (upsert by task id), keep a copy in object storage, and
    return its readable summary. Languages an earlier run of the task stored and this one did not
    ask for are kept (a re-run adds languages), unless the request says `replace`."""
    with progress.step("package") as shown:
        stored = StoredTranscript.read(transcript_uri)
        transcript = stored.transcript
        made = [Translation.read(uri) for uri in translation_uris]
        kept = [] if request.replace else kept_translations(task_id, store.get(task_id), transcript, made)
        doc = build_document(task_id, media_info, transcript, [*made, *kept], stored.text_items_or(request.text_items),
                             speaker_names=request.speaker_names)
        review.apply(doc, task_id)  # a reviewer's edits, this run's or an earlier one's
        doc["request_digest"] = request_digest(request)
        coded = compact(doc)
        store.put(coded)
        if doc.get("redaction"):
            store.record_redaction(task_id, dict(collections.Counter(f["type"] for f in doc["redaction"]["found"])))
        storage.write_json(storage.work_uri(task_id, "result.json"), coded)
        shown["kept"] = len(kept)
        return summary(coded)


def request_digest(request: MediaRequest) -> str:
    """What a request asks apart from its languages (and the versions of the steps that answer
    it): two runs of one task with the same digest make the same texts."""
    asked = request.model_dump(exclude={"task_id", "target_languages", "callback_url", "replace"})
    raw = json.dumps([asked, CODE_MAP_VERSION, CHECK_VERSION, SENTENCES_VERSION], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def kept_translations(task_id: str, stored: dict | None, transcript: Transcript, made: list[Translation]) -> list[Translation]:
    """The translations of languages stored earlier and not made by this run, when they were
    made from this very transcript (a new transcript makes them stale: they go)."""
    if not stored:
        return []
    from .results.document import language_states

    current = transcript_digest(transcript)
    done = {tr.target for tr in made} | {transcript.language}
    kept = []
    for lang, state in language_states(stored).items():
        if lang in done or state not in SUCCEEDED:
            continue
        earlier = Translation.read_if_there(translation_uri(task_id, lang))
        if earlier is None:
            continue
        if earlier.transcript_digest == current:
            kept.append(earlier)
        else:
            log.info("dropping %s: translated from an earlier transcript", lang)
    return kept
