"""`MediaRequest` as a flat form: the task API's upload (multipart fields) and the viewer's
new-task page are generated from the model, so a field added there is offered by both.

Form values are text: a list field is comma (or line) separated, a mapping is JSON, a checkbox
sends "true". `FORM_DEFAULTS` holds where a form means something else than the JSON body when a
field is left out."""

from __future__ import annotations

import inspect
import json
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from ..errors import BadInput
from ..request import MediaRequest

# what the form itself supplies, and so never offers as a field
FROM_THE_UPLOAD = ("media_uri",)
# an upload that names no language is transcribed only (the new-task page's empty selection)
FORM_DEFAULTS: dict[str, Any] = {"target_languages": []}


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str  # text, list (comma separated), json, bool, int, choice
    title: str
    description: str
    default: Any
    choices: tuple[str, ...] = ()

    @property
    def form_type(self) -> type:
        """What the multipart field carries (None when left out)."""
        return {"bool": bool, "int": int}.get(self.kind, str)


def _kind(annotation) -> tuple[str, tuple[str, ...]]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "choice", tuple(typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _kind(args[0])
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if origin is list:
        return "list", ()
    if origin is dict:
        return "json", ()
    return "text", ()


def fields() -> list[FormField]:
    """Every request field a form offers, in the model's order."""
    out = []
    for name, field in MediaRequest.model_fields.items():
        if name in FROM_THE_UPLOAD:
            continue
        kind, choices = _kind(field.annotation)
        default = FORM_DEFAULTS.get(name, field.get_default(call_default_factory=True))
        out.append(FormField(name, kind, field.title or name, field.description or "", default, choices))
    return out


def to_request(values: dict[str, Any]) -> dict:
    """Form values (None: left out) -> a request body for `MediaRequest.parse`."""
    body: dict[str, Any] = {}
    for f in fields():
        value = values.get(f.name)
        if value is None:
            if f.name in FORM_DEFAULTS:
                body[f.name] = FORM_DEFAULTS[f.name]
            continue
        if f.kind == "list":
            value = [t.strip() for line in str(value).splitlines() for t in line.split(",") if t.strip()]
        elif f.kind == "json":
            if not str(value).strip():
                continue
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise BadInput(f"{f.name}: not JSON ({exc.msg})") from None
        body[f.name] = value
    return body


def upload_parameters() -> list[inspect.Parameter]:
    """The request's fields as FastAPI form parameters (for a route's generated signature)."""
    from fastapi import Form

    return [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None,
                              annotation=Annotated[f.form_type | None, Form(title=f.title, description=_describe(f))])
            for f in fields()]


def _describe(f: FormField) -> str:
    how = {"list": " (comma separated)", "json": " (a JSON object)"}.get(f.kind, "")
    return f.description + how
