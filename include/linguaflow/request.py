"""The media-run contract: one request model for every entry point.

The DAG's Params are generated from `MediaRequest` (`dag_params()`); the task API takes it as its
body, the inbox builds it from sidecars and object metadata, the CLI from its flags, and `probe`
parses every run's conf with it again, so a run triggered straight through Airflow's REST API
with a hand-written conf meets the same rules. Normalisation lives here: languages are written
as `languages.language()` accepts them (codes case-insensitive, English and native names), and
duplicates are dropped.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import BadInput
from .languages import language, supported_languages
from .privacy.detect import DEFAULT as REDACT_DEFAULT
from .privacy.detect import TYPES as REDACT_TYPES
from .settings import settings
from .speech import engines
from .speech.diarize import MAX_SPEAKERS

ENGINES = engines.names()  # the registered ASR engines (speech/engines.py)
REDACT_CHOICES = ("default", "all", *REDACT_TYPES)
DEFAULT_ASR_MODEL = "base"
DEFAULT_TARGETS = ("zh", "ja")
TASK_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$"
TASK_ID_RE = re.compile(TASK_ID_PATTERN)
MAX_URI_CHARS = 2048
MAX_VOCABULARY = 100  # terms; Whisper's prompt holds ~220 tokens, the rest would be cut
MAX_TERM_CHARS = 64
MAX_SPEAKER_NAME = 60


def speaker_name_ok(name: str) -> bool:
    """1 to MAX_SPEAKER_NAME characters, none of < > & (a name goes into VTT voice spans and pages)."""
    return 0 < len(name) <= MAX_SPEAKER_NAME and not set(name) & set("<>&")


def as_value_error(fn, value):
    """Inside a validator a refusal must be a ValueError for pydantic to report it."""
    try:
        return fn(value)
    except BadInput as exc:
        raise ValueError(str(exc)) from None


class MediaRequest(BaseModel):
    """What one media task asks for. Every field is reachable from every entry point."""

    model_config = ConfigDict(extra="forbid")

    media_uri: str = Field(
        min_length=1, max_length=MAX_URI_CHARS, title="Media URI",
        description="Audio or video in object storage: s3://bucket/key (file:///path on the embedded default)",
    )
    target_languages: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TARGETS), title="Target languages",
        description="ISO 639-1 codes or names; one mapped translate task per language",
        json_schema_extra={"examples": supported_languages()},
    )
    source_language: str = Field(
        "auto", title="Source language", description="Spoken language, or auto to let Whisper detect it",
        json_schema_extra={"examples": ["auto", *supported_languages()]},
    )
    asr_engine: Literal[ENGINES] = Field(
        "faster-whisper", title="ASR engine",
        description="faster-whisper (CTranslate2, default), openai-whisper (the reference implementation) or remote "
                    "(the OpenAI-compatible transcription service of the connection LINGUAFLOW_ASR_SERVICE_CONN_ID)",
    )
    asr_model: str = Field(
        DEFAULT_ASR_MODEL, min_length=1, max_length=512, title="ASR model",
        description="A bundled model name (base, tiny.en) or a CTranslate2 model directory; with remote, a model the service serves",
    )
    task_id: str | None = Field(
        None, pattern=TASK_ID_PATTERN, title="Task id",
        description="Result id: letters, digits and . _ : + - (at most 128); defaults to the DAG run id",
    )
    callback_url: str | None = Field(
        None, max_length=MAX_URI_CHARS, title="Callback URL",
        description="POSTed a signed JSON (HMAC-SHA256) when the task ends",
    )
    text_items: dict[str, str] = Field(
        default_factory=dict, title="Text items",
        description="Supplied text (id -> text: title, description...) translated beside the transcript",
    )

    glossary: dict[str, str | dict[str, str]] = Field(
        default_factory=dict, title="Glossary",
        description='Term -> "keep" (a name kept as written) or {language: rendering}; a translation lacking it is flagged',
    )
    diarize: bool = Field(
        False, title="Label speakers",
        description="Find who spoke when and label each segment with its speaker (split where the speaker changes)",
    )
    num_speakers: int | None = Field(
        None, ge=1, le=MAX_SPEAKERS, title="Number of speakers",
        description="With diarize: how many people speak, when known (empty: found from the audio)",
    )
    min_speakers: int | None = Field(
        None, ge=1, le=MAX_SPEAKERS, title="At least this many speakers",
        description="With diarize and no number of speakers: the fewest people who may speak",
    )
    max_speakers: int | None = Field(
        None, ge=1, le=MAX_SPEAKERS, title="At most this many speakers",
        description="With diarize and no number of speakers: the most people who may speak",
    )
    speaker_names: list[str] = Field(
        default_factory=list, max_length=MAX_SPEAKERS, title="Speaker names",
        description="With diarize: names for the speakers in the order they first speak (Speaker 1's first)",
    )
    mixed_languages: bool = Field(
        False, title="Several spoken languages",
        description="The speech switches language: identify the language of each segment (otherwise the first 30 s decide it for the whole file)",
    )
    vocabulary: list[str] = Field(
        default_factory=list, max_length=MAX_VOCABULARY, title="Vocabulary",
        description="Names and terms the speech contains, spelled as they should be written (hints for Whisper)",
    )
    quality_estimate: bool = Field(
        default_factory=lambda: settings().quality_estimate, title="Estimate translation quality",
        description="Estimate each translated segment's quality (0-1, stored with it) and flag low_quality where the "
                    "model doubts the translation says what the source says; costs time (default: the deployment's "
                    "LINGUAFLOW_QUALITY_ESTIMATE)",
    )
    review: bool = Field(
        False, title="Review before publishing",
        description="Segments flagged by transcription or translation wait for a person to edit or approve them "
                    "(an Airflow human-in-the-loop task) before the result is stored",
    )
    replace: bool = Field(
        False, title="Replace stored languages",
        description="Drop languages stored by an earlier run of this task that this run does not ask for "
                    "(by default a re-run adds its languages and keeps the others)",
    )

    redact: list[Literal[REDACT_CHOICES]] = Field(
        default_factory=list, title="Redact personal data",
        description=f"Personal data replaced by tags in the transcript (so in every translation, store and route) before "
                    f"it is stored or sent: default ({', '.join(REDACT_DEFAULT)}), all, or single types",
        json_schema_extra={"examples": [["default"], ["phone", "email", "card"]]},
    )
    redact_style: Literal["numbered", "type"] = Field(
        "numbered", title="Redaction tags",
        description="numbered: [PERSON_1], one number per value within the task, so a reader can follow who is who; "
                    "type: [PERSON] only",
    )

    redact_local_only: bool = Field(
        False, title="Redact before the audio leaves",
        description="With redact: refuse a remote ASR route (an OpenAI-compatible transcription service receives the audio "
                    "before any redaction); transcribe here or on the GPU pool only",
    )
    redact_audio: bool = Field(
        False, title="Redact the audio too",
        description="With redact: also store a copy of the audio with each redacted span replaced by a tone; the viewer "
                    "plays it, and only operators can fetch the original",
    )
    keep_original: bool = Field(
        False, title="Keep the unredacted transcript",
        description="With redact: keep the transcript as heard under a prefix of its own (originals/), readable through the "
                    "task API by operators only and deleted with the task; otherwise it is never stored",
    )

    @field_validator("target_languages", mode="before")
    @classmethod
    def _targets(cls, value: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValueError("target_languages must be a list of language codes")
        codes = list(dict.fromkeys(as_value_error(language, v) for v in value))
        cap = settings().max_target_languages
        if len(codes) > cap:
            raise ValueError(f"{len(codes)} target languages; at most {cap} per task")
        return codes

    @field_validator("source_language", mode="before")
    @classmethod
    def _source(cls, value: Any) -> str:
        if value in (None, "", "auto") or (isinstance(value, str) and value.strip().lower() == "auto"):
            return "auto"
        return as_value_error(language, value)

    @field_validator("redact")
    @classmethod
    def _redact(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("vocabulary")
    @classmethod
    def _vocabulary(cls, value: list[str]) -> list[str]:
        terms = list(dict.fromkeys(t.strip() for t in value if t.strip()))
        if any(len(t) > MAX_TERM_CHARS for t in terms):
            raise ValueError(f"vocabulary terms are at most {MAX_TERM_CHARS} characters")
        return terms

    @field_validator("text_items")
    @classmethod
    def _items(cls, value: dict[str, str]) -> dict[str, str]:
        size = len(json.dumps(value, ensure_ascii=False).encode())
        cap = settings().max_text_items_bytes
        if size > cap:
            raise ValueError(f"text items are {size} bytes; at most {cap}")
        if any(not k or len(k) > 128 for k in value):
            raise ValueError("text item ids must be 1 to 128 characters")
        return value

    @field_validator("glossary")
    @classmethod
    def _glossary(cls, value: dict) -> dict:
        from .translation.glossary import KEEP, MAX_TERM_CHARS, MAX_TERMS

        if len(value) > MAX_TERMS:
            raise ValueError(f"{len(value)} glossary terms; at most {MAX_TERMS}")
        out: dict = {}
        for term, entry in value.items():
            if not term.strip() or len(term) > MAX_TERM_CHARS:
                raise ValueError(f"glossary terms must be 1 to {MAX_TERM_CHARS} characters")
            if isinstance(entry, str):
                if entry != KEEP:
                    raise ValueError(f'glossary {term!r}: "keep" or {{language: rendering}}, not {entry[:40]!r}')
                out[term.strip()] = KEEP
                continue
            if any(not r.strip() or len(r) > MAX_TERM_CHARS for r in entry.values()):
                raise ValueError(f"glossary {term!r}: renderings must be 1 to {MAX_TERM_CHARS} characters")
            out[term.strip()] = {as_value_error(language, lang): r.strip() for lang, r in entry.items()}
        return out

    @field_validator("speaker_names")
    @classmethod
    def _speaker_names(cls, value: list[str]) -> list[str]:
        names = [" ".join(n.split()) for n in value]
        if not all(map(speaker_name_ok, names)):
            raise ValueError(f"speaker names are 1 to {MAX_SPEAKER_NAME} characters, without < > &")
        if len(set(names)) < len(names):
            raise ValueError("speaker names must differ")
        return names

    def _only_with(self, needed: str, what: str, names: tuple[str, ...]) -> None:
        """Fields that mean something only when `needed` is asked for."""
        for name in names:
            if getattr(self, name) and not getattr(self, needed):
                raise ValueError(f"{name}: only with {needed} ({what})")

    @model_validator(mode="after")
    def _speakers_need_diarize(self) -> MediaRequest:
        self._only_with("diarize", "label speakers", ("min_speakers", "max_speakers", "speaker_names"))
        low, high = self.min_speakers or 1, self.max_speakers or MAX_SPEAKERS
        if low > high:
            raise ValueError(f"min_speakers ({low}) is more than max_speakers ({high})")
        if self.num_speakers and not low <= self.num_speakers <= high:
            raise ValueError(f"num_speakers ({self.num_speakers}) is outside min_speakers..max_speakers ({low}..{high})")
        return self

    @model_validator(mode="after")
    def _local_only_needs_redact(self) -> MediaRequest:
        self._only_with("redact", "which personal data to tag", ("redact_local_only", "redact_audio", "keep_original"))
        return self

    @classmethod
    def parse(cls, conf: dict) -> MediaRequest:
        """A conf (or request body) -> the request; any violation is BadInput with a readable reason."""
        if not isinstance(conf, dict):
            raise BadInput("a request is a JSON object")
        try:
            return cls.model_validate(conf)
        except ValidationError as exc:
            raise BadInput(readable(exc.errors(include_url=False, include_input=False))) from None

    @classmethod
    def of_job(cls, job: dict) -> MediaRequest:
        """The request of a run's job: it crosses the DAG's XComs as JSON (`probe` dumps it), and
        each step reads it typed again."""
        return cls.model_validate(job["request"])

    def task_id_for(self, run_id: str) -> str:
        """The task id: given in the request, else the DAG run id (one file = one run)."""
        task_id = self.task_id or run_id
        if not TASK_ID_RE.match(task_id):
            raise BadInput(f"invalid task id {task_id!r}: letters, digits and . _ : + - only, at most 128")
        return task_id

    def conf(self) -> dict:
        """The DAG run conf of this request (defaults included, so every run records them)."""
        return self.model_dump()


def task_id_of(conf: dict, run_id: str) -> str:
    """The task id of a run, whatever else its conf holds (a refused request still has one):
    the conf's valid `task_id`, else the run id."""
    task_id = conf.get("task_id") if isinstance(conf, dict) else None
    return task_id if isinstance(task_id, str) and TASK_ID_RE.match(task_id) else run_id


def readable(errors: list[dict], skip: int = 0) -> str:
    """pydantic's errors -> one line a caller can act on (never echoing large inputs); `skip`
    leading parts of each location (FastAPI's "body")."""
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err["loc"][skip:]) or "request"
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def _param_schema(prop: dict) -> dict:
    """One property of pydantic's JSON schema -> an Airflow Param schema (Optional -> type list)."""
    prop = dict(prop)
    any_of = prop.pop("anyOf", None)
    if any_of:
        types = [a.get("type") for a in any_of]
        for a in any_of:
            prop.update({k: v for k, v in a.items() if k != "type"})
        prop["type"] = types
    if "const" in prop:
        prop["enum"] = [prop.pop("const")]
    return prop


def dag_params() -> dict:
    """The media DAG's Params, generated from the model: same fields, same names, same constraints.

    Normalisation (names, duplicates, caps) is not JSON Schema: `probe` applies it to every conf."""
    from airflow.sdk import Param

    schema = MediaRequest.model_json_schema()
    params = {}
    for name, field in MediaRequest.model_fields.items():
        prop = _param_schema(schema["properties"][name])
        default = field.get_default(call_default_factory=True)
        if name == "media_uri":
            default = ""  # required: the trigger form starts empty
        prop.pop("default", None)
        params[name] = Param(default, **prop)
    return params
