"""Translation: one interface, a routing table choosing backend and model per target language.

`translate(items, source, target)` takes [(id, text), ...] and returns the same ids in the same
order (it never drops, merges or invents an item; an empty text stays empty) plus the name of the
route that produced them. A route that fails for good (not a transient error of the retry table)
hands over to its fallback route; transient errors go up to Airflow's retries.

The table is JSON: {"<lang>" | "*": {"backend", "model", "batch_size", "pool", "max_active", "queue",
"options", "fallback"}}; a pool's routes share one Celery queue.
Defaults below, then the file named by LINGUAFLOW_ROUTES_FILE, then LINGUAFLOW_ROUTES (JSON), each
overriding per language. The table is read and checked once per process (`table()`).
"""

from __future__ import annotations

import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..languages import language_code
from ..errors import BadInput, LinguaflowError, MalformedReply, is_transient
from ..settings import Settings, settings
from ..privacy import redact
from . import backends, batched_llama, check, names
from . import estimate as quality_estimate
from . import glossary as glossary_terms

log = logging.getLogger(__name__)

DEFAULT_POOL = "default_pool"
# An in-process LLM uses every core: one at a time per deployment, or they thrash each other. The
# bundled 1.5B: the only bundled model that gains the +10 chrF++ on every language, and on a real
# transcript (whole sentences, ~2 segments each) faster than the transcription (bench/RESULTS.md).
DEFAULT_ROUTES = {"*": {"backend": "llamacpp", "model": "qwen2.5-coder-1.5b-instruct-q4", "batch_size": 8, "max_active": 1}}


@dataclass(frozen=True)
class Route:
    backend: str
    model: str
    batch_size: int = 8
    pool: str = DEFAULT_POOL
    max_active: int | None = None  # cap on this route's translate tasks running at once (all runs)
    queue: str | None = None  # Celery queue of its translate tasks (None: LINGUAFLOW_MT_QUEUE)
    options: dict = field(default_factory=dict, hash=False)
    fallback: Route | None = None

    @classmethod
    def from_spec(cls, spec: dict) -> Route:
        unknown = set(spec) - {"backend", "model", "batch_size", "pool", "max_active", "queue", "options", "fallback"}
        if unknown or spec.get("backend") not in backends.names() or not spec.get("model"):
            raise BadInput(f"bad route {spec}: needs backend in {backends.names()} and model; unknown keys {sorted(unknown)}")
        fallback = cls.from_spec(spec["fallback"]) if spec.get("fallback") else None
        max_active = int(spec["max_active"]) if spec.get("max_active") else None
        return cls(spec["backend"], spec["model"], int(spec.get("batch_size", 8)), spec.get("pool", DEFAULT_POOL),
                   max_active, spec.get("queue"), dict(spec.get("options", {})), fallback)

    @property
    def name(self) -> str:
        return f"{self.backend}/{self.model}"


def _specs(cfg: Settings) -> dict[str, dict]:
    table = dict(DEFAULT_ROUTES)
    if cfg.routes_file:
        with open(cfg.routes_file) as f:
            table.update(json.load(f))
    if cfg.routes:
        table.update(cfg.routes)
    return table


_parsed: tuple[Settings, dict[str, Route]] | None = None


def table() -> dict[str, Route]:
    """The routing table of the process's settings, parsed and checked once: language or "*" -> Route."""
    global _parsed
    cfg = settings()
    if _parsed is None or _parsed[0] is not cfg:
        _parsed = (cfg, {lang: Route.from_spec(spec) for lang, spec in _specs(cfg).items()})
    return _parsed[1]


def route_for(target: str) -> Route:
    """The route of a target language; an unknown language is bad input."""
    language_code(target)
    routes = table()
    return routes.get(target) or routes["*"]


def route_names(target: str) -> set[str]:
    """The names of the target's route and of its fallbacks: what may have made its translation."""
    names, route = set(), route_for(target)
    while route is not None:
        names.add(route.name)
        route = route.fallback
    return names


IN_PROCESS_GGUF = ("llamacpp", "llamacpp-batched")  # backends one batched engine per model can serve


def decoded_with(target: str, languages: list[str]) -> list[str]:
    """The other languages of `languages` whose route (fallbacks aside) is the target's in-process
    GGUF model: what one batched decoder can translate alongside the target."""
    mine = route_for(target)
    if mine.backend not in IN_PROCESS_GGUF:
        return []
    return [lang for lang in dict.fromkeys(languages) if lang != target
            and (r := route_for(lang)).backend in IN_PROCESS_GGUF and r.model == mine.model]


def pools() -> dict[str, int | None]:
    """Every pool the routing table names -> the smallest `max_active` of its routes (None: no cap).

    The DAG makes one mapped translate task per pool."""
    caps: dict[str, int | None] = {}
    for r in table().values():
        known = [c for c in (caps.get(r.pool), r.max_active) if c]
        caps[r.pool] = min(known) if known else None
    return dict(sorted(caps.items()))


def queue_of(pool: str) -> str:
    """The Celery queue of a pool's translate tasks: the one its routes name (they must agree),
    else `LINGUAFLOW_MT_QUEUE`."""
    named = {r.queue for r in table().values() if r.pool == pool and r.queue}
    if len(named) > 1:
        raise BadInput(f"routes of pool {pool!r} name several queues {sorted(named)}: one per pool")
    return named.pop() if named else settings().mt_queue


def backend(route: Route) -> backends.Translator:
    return backends.translator(route.backend, route.model, route.options)


def _run(route: Route, items, source, target, terms=None):
    out = backend(route).translate(items, source, target, batch_size=route.batch_size, terms=terms)
    if [i for i, _ in out] != [i for i, _ in items]:
        raise LinguaflowError(f"{route.name} changed the item ids")  # a backend bug, never stored
    return out


def _translate(items, source, target, terms=None) -> tuple[list[tuple[str, str]], Route]:
    """Translate with the target's route, falling back on a non-transient failure."""
    route = route_for(target)
    while True:
        try:
            return _run(route, items, source, target, terms), route
        except Exception as exc:
            if is_transient(exc) or route.fallback is None:
                raise
            log.warning("route %s failed (%s: %s); falling back to %s", route.name, type(exc).__name__, exc, route.fallback.name)
            route = route.fallback


def translate(items: list[tuple[str, str]], source: str, target: str) -> tuple[list[tuple[str, str]], str]:
    """Translate with the target's route, falling back on a non-transient failure."""
    if source == target:
        return list(items), "source"
    out, route = _translate(items, source, target)
    return out, route.name


def translate_checked(items: list[tuple[str, str]], source: str, target: str, glossary: dict | None = None,
                      estimate: bool = False, quality: dict | None = None):
    """Translate, check every output (in the target language, its numbers, names and script, the
    glossary's renderings where its terms occur, and, with `estimate`, the model's quality
    estimate), ask again one by one for the items that fail, naming what they must keep, and
    return (items, route name, {item id: [check.Finding]}) for what is left; `quality`, when
    given, is filled with each translated item's estimate.

    Flagged items are kept as they came back (the answer with fewer findings of the two, the
    higher estimate between equals), so a language is stored with flags, never failed or passed
    off as done because of a few segments."""
    if source == target:
        return list(items), "source", {}
    terms = glossary_terms.renderings(glossary, target)
    tags = {t: t for _, text in items for t in redact.tags_in(text)}  # redacted data: kept as written
    out, route = _translate(items, source, target, terms | tags)
    found = _checked(items, out, source, target, terms)
    scores = _estimated(items, out, source, target, found) if estimate else {}
    if found:
        log.info("%d of %d items into %s flagged %s; asking again, each alone", len(found), len(items), target,
                 sorted({f.flag for v in found.values() for f in v}))
        sources, translator = dict(items), backend(route)

        def ask_again(item_id: str) -> list[tuple[str, str]]:  # alone, told what it must keep
            keep = terms | {t: t for t in redact.tags_in(sources[item_id])} | _to_keep(sources[item_id], found[item_id])
            try:
                return translator.translate([(item_id, sources[item_id])], source, target, batch_size=1, terms=keep)
            except MalformedReply:  # no valid answer: keep the first, flagged
                return []

        # as many at once as the backend decodes side by side (a batched engine, an endpoint's `parallel`)
        at_once = min(getattr(translator, "parallel", 1), len(found))
        if at_once > 1:
            with ThreadPoolExecutor(at_once, thread_name_prefix=f"again-{target}") as pool:
                answers = list(pool.map(ask_again, found))
        else:
            answers = [ask_again(item_id) for item_id in found]
        again = dict(pair for answer in answers for pair in answer)
        second = _checked(items, list(again.items()), source, target, terms)
        second_scores = _estimated(items, list(again.items()), source, target, second) if estimate else {}
        better = {i for i in again if (len(second.get(i, [])), -second_scores.get(i, 0)) < (len(found[i]), -scores.get(i, 0))}
        out = [(i, again[i] if i in better else t) for i, t in out]
        found = {i: second[i] if i in better else f for i, f in found.items() if i not in better or second.get(i)}
        scores |= {i: second_scores[i] for i in better if i in second_scores}
    if quality is not None:
        quality.update(scores)
    return out, route.name, found


def estimated_by() -> list:
    """What an estimate depends on (part of a translation's input: changing it makes the translation again)."""
    cfg = settings()
    return [quality_estimate.VERSION, cfg.quality_model, cfg.quality_line, quality_estimate.LINES.get(cfg.quality_model)]


def _estimated(items, out, source, target, found: dict) -> dict[str, float]:
    """Each translated item's quality estimate (`estimate`, read by `quality_model`), two decimals;
    an item below its language's line gets a `low_quality` finding."""
    cfg = settings()
    sources = dict(items)
    pairs = [(i, sources[i], t) for i, t in out if sources.get(i, "").strip() and t.strip()]
    if not pairs:
        return {}
    engine = batched_llama.get(cfg.quality_model).engine
    values = quality_estimate.estimates(engine, [(s, t) for _, s, t in pairs], source, target)
    scores = {i: round(v, 2) for (i, _, _), v in zip(pairs, values)}
    line = quality_estimate.line(target)
    for i, v in scores.items():
        if v < line:
            found.setdefault(i, []).append(check.Finding(
                check.LOW_QUALITY, f"the model doubts this translation says what the source says (estimate {v:.2f}, below {line:.2f})"))
    return scores


def _to_keep(source_text: str, found: list) -> dict[str, str]:
    """What a second try is told to keep as written: the names the first lost, and numbers written
    in digits in the source (number words cannot be named without a rendering)."""
    flags = {f.flag for f in found}
    keep = {}
    if check.NAMES in flags:
        literal, named = names.names_in(source_text)
        keep |= {n: n for n in literal + named}
    if check.NUMBER in flags:
        keep |= {n: n for n in re.findall(r"\d+(?:[.,:]\d+)*", source_text)}
    return keep


def _checked(items, out, source, target, terms) -> dict[str, list]:
    found = check.findings(items, out, source, target)
    sources, texts = dict(items), dict(out)
    for item_id in glossary_terms.check(items, out, terms):
        wanted = glossary_terms.terms_in(sources.get(item_id, ""), terms).values()
        reason = "the glossary asks for " + ", ".join(f'"{r}"' for r in wanted if not glossary_terms.rendered(texts[item_id], r))
        found[item_id] = found.get(item_id, []) + [check.Finding(glossary_terms.FLAG, reason)]
    return found
