"""What a task's steps leave in object storage (`work/<task id>/`), typed: the transcript and one
translation per language. These are the only ways those files are written and read, so their
shape has one home; a step reads each of them once.

The files stay the JSON they always were (a transcript made by an earlier version, or by the GPU
pod's image, is read the same way)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from . import storage
from .speech.types import Transcript

TRANSCRIPT_FILE = "transcript.json"


def transcript_uri(task_id: str) -> str:
    return storage.work_uri(task_id, TRANSCRIPT_FILE)


def original_of(transcript: str) -> str:
    """Where `keep_original` keeps a task's transcript as heard: the same file under `originals/`
    beside `work/` (the root the transcript itself is written under, wherever the step runs),
    apart from the task's other artefacts (storage.original_uri)."""
    root, task_id, name = transcript.rsplit("/", 2)
    return root.removesuffix("/work") + f"/originals/{task_id}/{name}"


def beside(uri: str, name: str) -> str:
    """Another artefact of the same task (they sit side by side under `work/<task id>/`)."""
    return uri.rsplit("/", 1)[0] + "/" + name


def translation_uri(task_id: str, target: str) -> str:
    return storage.work_uri(task_id, "translations", f"{target}.json")


_TRANSCRIPT_FIELDS = {f.name for f in dataclasses.fields(Transcript)}


@dataclass
class StoredTranscript:
    """A transcript as its step stored it, with what was asked of it (engine, model, language,
    speakers, vocabulary as requested: what decides whether a later run may reuse it)."""

    transcript: Transcript
    asked: dict = field(default_factory=dict)
    text_items: dict[str, str] | None = None  # with redaction: the task's text items as redacted with it

    @classmethod
    def from_json(cls, raw: dict) -> StoredTranscript:
        return cls(Transcript.from_dict(raw), {k: v for k, v in raw.items() if k not in _TRANSCRIPT_FIELDS | {"text_items"}},
                   raw.get("text_items"))

    @classmethod
    def read(cls, uri: str) -> StoredTranscript:
        return cls.from_json(storage.read_json(uri))

    @classmethod
    def read_if_there(cls, uri: str) -> StoredTranscript | None:
        return cls.read(uri) if storage.exists(uri) else None

    def write(self, uri: str) -> str:
        items = {"text_items": self.text_items} if self.text_items is not None else {}
        return storage.write_json(uri, {**self.transcript.to_dict(), **self.asked, **items})

    def text_items_or(self, given: dict[str, str]) -> dict[str, str]:
        """The text items the later steps translate and store: the redacted ones when the transcript
        was redacted, else the request's."""
        return self.text_items if self.text_items is not None else given

    def answers(self, asked: dict) -> bool:
        """Made for the same request (every key asked has the value stored)."""
        return all(self.asked.get(k) == v for k, v in asked.items())


def transcript_digest(transcript: Transcript) -> str:
    """What a translation is made from: the transcript's segment ids and texts."""
    made = [[s.id, s.text] for s in transcript.segments]
    if transcript.redaction:  # text items redacted with it: a translation of the unredacted ones is not from it
        made.append(["redaction", transcript.redaction["types"], transcript.redaction["style"]])
    raw = json.dumps(made, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class Translation:
    """One language of a task: its segments' texts (`audio`, by segment id) and text items'
    (`text`, by item id), the route's model, the state and the flagged items; `input_hash` says
    what it was made from (a re-run with the same input reuses it), `transcript_digest` from
    which transcript (a new transcript makes it stale)."""

    target: str
    source: str
    model: str
    status: str
    audio: dict[str, str]
    text: dict[str, str]
    flags: dict[str, list[str]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # flagged item id -> why, in words
    quality: dict[str, float] = field(default_factory=dict)  # item id -> quality estimate 0-1 (where estimated)
    input_hash: str = ""
    transcript_digest: str = ""

    @classmethod
    def read(cls, uri: str) -> Translation:
        raw = storage.read_json(uri)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{"status": "done", **{k: v for k, v in raw.items() if k in names}})

    @classmethod
    def read_if_there(cls, uri: str) -> Translation | None:
        return cls.read(uri) if storage.exists(uri) else None

    def write(self, uri: str) -> str:
        return storage.write_json(uri, dataclasses.asdict(self))

    def entry(self) -> dict:
        """Its language entry in the expanded result document."""
        return {"status": self.status, "model": self.model, "audio": self.audio, "text": self.text,
                **({"flags": self.flags} if self.flags else {}), **({"reasons": self.reasons} if self.reasons else {}),
                **({"quality": self.quality} if self.quality else {})}
