"""The output formats of a result: one registry that the CLI (`run --format/--out`, `result
--format`), the task API (`GET /tasks/{id}/result?format=`), the viewer's download links and the
ASR service (`response_format`) all read.

A new format is one `register(OutputFormat(...))`: it then shows in each of them. A format renders
a stored (coded) document for some languages; one that renders from timed segments alone
(`from_segments`, as subtitles do) is offered by the ASR service too, and one that needs exactly
one language (`one_language`) is a per-language download in the viewer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from ..errors import BadInput, NotFound
from ..languages import language as normalize_language
from .document import expand, language_key
from .readable import to_text
from .subtitles import to_srt, to_vtt

Body = str | dict
Segments = list[dict]  # [{"id", "start", "end", ...}]


@dataclass(frozen=True)
class OutputFormat:
    name: str
    describe: str  # a phrase for help texts: what a person gets
    media_type: str  # the HTTP content type of its body
    render: Callable[[dict, list[str] | None], Body]  # (coded document, languages or None: all) -> body
    suffix: str | None = None  # `--out NAME.<suffix>` picks this format
    one_language: bool = False  # subtitles: exactly one language (the CLI defaults to the spoken one)
    from_segments: Callable[..., str] | None = None  # (segments, texts, speaker names=None) -> body
    listed: bool = True  # offered by name in help and choices (an alias is not)


_REGISTRY: dict[str, OutputFormat] = {}


def register(fmt: OutputFormat) -> OutputFormat:
    """Add a format (or replace one of the same name); it is offered everywhere from then on."""
    _REGISTRY[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get(name: str) -> OutputFormat:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise BadInput(f"unknown format {name!r}: one of {', '.join(names(listed_only=False))}") from None


def names(listed_only: bool = True) -> tuple[str, ...]:
    return tuple(n for n, f in _REGISTRY.items() if f.listed or not listed_only)


def all_formats() -> tuple[OutputFormat, ...]:
    return tuple(_REGISTRY.values())


def by_suffix(suffix: str) -> OutputFormat | None:
    return next((f for f in _REGISTRY.values() if f.suffix and f.suffix == suffix.lower().lstrip(".")), None)


def render(coded: dict, name: str, langs: list[str] | None = None) -> Body:
    """A stored document in a format, for these languages (None: every language)."""
    fmt = get(name)
    langs = [normalize_language(lang) for lang in langs] if langs else None
    if fmt.one_language and (not langs or len(langs) != 1):
        raise BadInput(f"{name} is for one language (lang=...)")
    return fmt.render(coded, langs)


def as_text(body: Body) -> str:
    """A body as a file or a terminal shows it."""
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def language_entry(doc: dict, lang: str) -> dict:
    """One language of an expanded document; NotFound when the task has none in it."""
    if lang not in doc["languages"]:
        raise NotFound(f"task {doc['task_id']!r} has no {lang!r} result (has {sorted(doc['languages'])})")
    return doc["languages"][lang]


def one_language(doc: dict, lang: str) -> dict:
    """One language of an expanded document: status, model, timed segments with its text, text items."""
    entry = language_entry(doc, lang)
    segments = [{**s, "text": entry["audio"].get(s["id"], "")} for s in doc["segments"]]
    return {"task_id": doc["task_id"], "language": lang, "status": entry["status"], "model": entry["model"],
            "segments": segments, "text": entry["text"]}


def _coded(coded: dict, langs: list[str] | None) -> dict:
    if not langs:
        return coded
    return {language_key(lang): coded.get(language_key(lang), {}) for lang in langs}


def _expanded(coded: dict, langs: list[str] | None) -> dict:
    doc = expand(coded)
    if not langs:
        return doc
    if len(langs) == 1:
        return one_language(doc, langs[0])
    return {"task_id": doc["task_id"], "languages": {lang: one_language(doc, lang) for lang in langs}}


def subtitles(writer: Callable[..., str], named: bool = False):
    """A coded-document renderer from a segments writer: the one language's texts on the timings;
    `named`: the writer also takes the speakers' names (`writer(segments, texts, names)`)."""
    def render_one(coded: dict, langs: list[str] | None) -> str:
        doc = expand(coded)
        texts = language_entry(doc, langs[0])["audio"]
        return writer(doc["segments"], texts, doc.get("speaker_names")) if named else writer(doc["segments"], texts)
    return render_one


JSON = "application/json"
for _fmt in (
    OutputFormat("text", "readable text", "text/plain; charset=utf-8",
                 lambda coded, langs: to_text(expand(coded), langs), suffix="txt",
                 from_segments=lambda segments, texts: " ".join(texts[s["id"]] for s in segments).strip() + "\n"),
    OutputFormat("coded", "the stored, coded JSON", JSON, _coded, suffix="json"),
    OutputFormat("json", "readable JSON, expanded", JSON, _expanded),
    OutputFormat("expanded", "readable JSON, expanded", JSON, _expanded, listed=False),
    OutputFormat("srt", "SRT subtitles", "application/x-subrip", subtitles(to_srt, named=True), suffix="srt", one_language=True,
                 from_segments=to_srt),
    OutputFormat("vtt", "WebVTT subtitles", "text/vtt; charset=utf-8", subtitles(to_vtt, named=True), suffix="vtt",
                 one_language=True, from_segments=to_vtt),
):
    register(_fmt)
