"""Talking to chat LLMs for translation: numbered JSON batches in, a strictly validated JSON out.

Shared by every chat backend (in-process llama.cpp, any OpenAI-compatible endpoint).
"""

from __future__ import annotations

import json
import logging
import re

from ..errors import MalformedReply
from . import glossary

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {
    "zh": "Simplified Chinese", "en": "English", "ja": "Japanese", "de": "German", "fr": "French",
    "es": "Spanish", "ko": "Korean", "ru": "Russian", "pt": "Portuguese", "it": "Italian",
    "ar": "Arabic", "hi": "Hindi", "nl": "Dutch", "tr": "Turkish", "pl": "Polish", "sv": "Swedish",
    "uk": "Ukrainian", "vi": "Vietnamese", "th": "Thai", "id": "Indonesian", "el": "Greek", "he": "Hebrew",
}

# Targets whose text must be mostly in one script: a reply in another script is not a translation.
SCRIPTS = {
    "zh": r"[\u4e00-\u9fff]", "ja": r"[\u3040-\u30ff\u4e00-\u9fff]", "ko": r"[\uac00-\ud7af]",
    "ru": r"[\u0400-\u04ff]", "uk": r"[\u0400-\u04ff]", "ar": r"[\u0600-\u06ff]", "hi": r"[\u0900-\u097f]",
    "th": r"[\u0e00-\u0e7f]", "el": r"[\u0370-\u03ff]", "he": r"[\u0590-\u05ff]",
}


# One worked example per target (English source), shown before the batch: small models follow
# a shown answer in the target language far better than an instruction alone.
EXAMPLES = {
    "de": "Wo kann ich eine Fahrkarte kaufen? Der Zug fährt um acht Uhr ab.",
    "zh": "我在哪里可以买票？火车八点出发。",
    "ja": "切符はどこで買えますか？電車は8時に出発します。",
    "fr": "Où puis-je acheter un billet ? Le train part à huit heures.",
    "es": "¿Dónde puedo comprar un billete? El tren sale a las ocho.",
    "it": "Dove posso comprare un biglietto? Il treno parte alle otto.",
    "pt": "Onde posso comprar um bilhete? O comboio parte às oito.",
    "ko": "표는 어디에서 살 수 있나요? 기차는 여덟 시에 출발합니다.",
    "ru": "Где можно купить билет? Поезд отправляется в восемь.",
}
EXAMPLE_SOURCE = "Where can I buy a ticket? The train leaves at eight."
FEW_SHOT = True


def _ask(src: str, tgt: str, payload: str) -> str:
    return (f"Translate every value of this JSON object from {src} into {tgt}. "
            f"Keep the same keys. Reply with the JSON object only.\n{payload}")


def messages(batch: list[tuple[str, str]], source: str, target: str, strict: bool = False,
             terms: dict[str, str] | None = None) -> list[dict]:
    """The chat of one batch; `strict` (a second try of a single item) insists on the target;
    `terms` (the task's glossary for the target) are named where the batch holds them."""
    src, tgt = LANGUAGE_NAMES.get(source, source), LANGUAGE_NAMES.get(target, target)
    payload = json.dumps({i: t for i, t in batch}, ensure_ascii=False)
    system = f"You translate {src} into {tgt}. Reply with one JSON object only."
    if strict:
        system += f" Every value must be written in {tgt}, never left in {src}."
    wanted = glossary.terms_in(" ".join(t for _, t in batch), terms or {})
    if wanted:
        system += glossary.instruction(wanted)
    chat = [{"role": "system", "content": system}]
    if FEW_SHOT and source == "en" and target in EXAMPLES:
        chat += [
            {"role": "user", "content": _ask(src, tgt, json.dumps({"1": EXAMPLE_SOURCE}))},
            {"role": "assistant", "content": json.dumps({"1": EXAMPLES[target]}, ensure_ascii=False)},
        ]
    return chat + [{"role": "user", "content": _ask(src, tgt, payload)}]


def script_plausible(text: str, target: str) -> bool:
    pattern = SCRIPTS.get(target)
    if not pattern:
        return True
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(re.findall(pattern, text)) / len(letters) >= 0.3


def parse_reply(text: str, ids: list[str], target: str | None = None) -> dict[str, str]:
    """Validate a reply: one JSON object, every id back as a non-empty string, nothing extra."""
    match = re.search(r"\{.*\}", text, re.S)
    if not match:
        raise MalformedReply(f"no JSON object in reply: {text[:200]!r}")
    try:
        obj = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise MalformedReply(f"reply is not valid JSON: {exc}") from exc
    if not isinstance(obj, dict) or set(obj) != set(ids):
        raise MalformedReply(f"reply ids {sorted(obj) if isinstance(obj, dict) else type(obj)} != {sorted(ids)}")
    if not all(isinstance(v, str) and v.strip() for v in obj.values()):
        raise MalformedReply("reply holds empty or non-string translations")
    if target and not all(script_plausible(obj[k], target) for k in ids):
        raise MalformedReply(f"reply is not in the script of {target!r}: {text[:200]!r}")
    return {k: obj[k].strip() for k in ids}


def translate_batches(ask, items, source, target, batch_size: int = 8, max_attempts: int = 2, terms: dict | None = None,
                      parallel: int = 1):
    """Send non-empty items in batches through `ask(messages) -> reply text`, validating each reply.

    A malformed batch is split into single items at once (repeating the same request at
    temperature 0 gets the same reply); a single item is asked again with a stricter prompt, and
    one that still fails is returned as its source text, which the output check then flags
    `untranslated`: one hard segment never sinks its language. Only when every item fails is the
    route unusable (MalformedReply, so its fallback takes over). `parallel` batches are asked at
    once (for an engine that decodes them side by side: `batched_llama`).
    """
    out = {i: "" for i, t in items if not t.strip()}
    todo = [(i, t) for i, t in items if t.strip()]
    failed: list[str] = []

    def one(batch):
        try:
            return parse_reply(ask(messages(batch, source, target, terms=terms)), [i for i, _ in batch], target)
        except MalformedReply as exc:
            log.warning("malformed reply for %d item(s): %s", len(batch), exc)
        if len(batch) > 1:
            result = {}
            for item in batch:
                result.update(one([item]))
            return result
        for attempt in range(2, max_attempts + 1):
            try:
                return parse_reply(ask(messages(batch, source, target, strict=True, terms=terms)), [batch[0][0]], target)
            except MalformedReply as exc:
                log.warning("malformed reply for item %s (attempt %d/%d): %s", batch[0][0], attempt, max_attempts, exc)
        failed.append(batch[0][0])
        return {batch[0][0]: batch[0][1]}  # kept as it was; the output check flags it

    batches = [todo[start : start + batch_size] for start in range(0, len(todo), batch_size)]
    if parallel > 1 and len(batches) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(parallel, len(batches)), thread_name_prefix=f"translate-{target}") as pool:
            for result in pool.map(one, batches):
                out.update(result)
    else:
        for batch in batches:
            out.update(one(batch))
    if todo and len(failed) == len(todo):
        raise MalformedReply(f"no valid reply for any of {len(todo)} items into {target}")
    return [(i, out[i]) for i, _ in items]
