"""Personal data redaction on speech as Whisper transcribes it: recall per type, false redactions.

    .venv/bin/python bench/pii_bench.py [--split tune|heldout|...|heldout9|all] [--model base] [--show-misses]

bench/data/pii_sentences.json holds 249 spoken-style sentences (205 with personal data, 44 without),
each entity labelled in the sentence as said and as written, in a tuning half and a held-out half
with other frames and values; bench/data/pii_sentences_2.json a second held-out set (`heldout2`),
written later by another writer who never saw the detector, after the first held-out half had
been looked at; bench/data/pii_sentences_3.json a third (`heldout3`), written before the second
one's misses were turned into rules, and so on: each later set (`heldout4` ... `heldout9`)
written before the one before it was tuned on. Each sentence is spoken by espeak-ng (two voices, alternating),
transcribed by the real faster-whisper path (`speech.transcribe`, cached per model), and redacted
by `privacy.detect` on the transcript as it came out.

Scoring on the transcript: its words are aligned to the written sentence (difflib on folded words),
so each transcribed word is known to belong to an entity or not. An entity is redacted when every
informative word it became (a digit, an address, a capitalised word that is not an everyday one:
`informative`) is inside a redacted span, so a number half tagged still leaks; entities Whisper
dropped entirely are counted apart. False redactions: the words of no entity that were redacted,
over all such words (every word counts here, informative or not).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import time
from pathlib import Path

import common  # noqa: F401 - the checkout measured: its include/ and tests/ on the path

import numpy as np  # noqa: E402

import speechgen  # noqa: E402
from linguaflow.privacy import detect, spoken  # noqa: E402

DATA = Path(__file__).parent / "data" / "pii_sentences.json"  # the tuning half and the first held-out half
# held-out set n (split `heldout{n}`), each written before the one before it was tuned on
LATER_SETS = {n: Path(__file__).parent / "data" / f"pii_sentences_{n}.json" for n in (2, 3, 4, 5, 6, 7, 8, 9)}
SPLITS = ("tune", "heldout", *(f"heldout{n}" for n in LATER_SETS))
VOICES = [("en-us", 50), ("en-gb", 40)]  # espeak-ng voice, pitch
CORPUS_VERSION = "pii-1"
_WORD = re.compile(r"\S+")
EVERYDAY_ZIPF = 5.0  # "I", "The", "So", "And": capitalised, and no one's name


def fold(word: str) -> str:
    return re.sub(r"[^\w@]", "", word.casefold())


def words_of(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def reference_labels(sentence: dict) -> list[tuple[str, int | None]]:
    """The written sentence's words, each with the index of the entity it belongs to (None: none)."""
    written, spans, at = sentence["written"], [], 0
    for n, ent in enumerate(sentence["entities"]):
        start = written.index(ent["written"], at)
        spans.append((start, start + len(ent["written"]), n))
        at = start + len(ent["written"])
    return [(w, next((n for a, b, n in spans if s < b and e > a), None)) for w, s, e in words_of(written)]


def alnum(text: str) -> str:
    return re.sub(r"[\W_]", "", text.casefold())


def heard_whole(written: str, transcript_alnum: str) -> bool:
    """Whether Whisper wrote an entity in full: its letters and digits, in order, inside the
    transcript's as the detector reads it (spoken digits, "at", "dot" written out), whatever the
    spacing and punctuation. Recall on these alone is the detector's own; the rest is the ear's."""
    return alnum(written) in transcript_alnum


def transcript_labels(reference: list[tuple[str, int | None]], hyp: list[tuple[str, int, int]]) -> list[int | None]:
    """Each transcribed word's entity, by aligning it to the reference words: equal words take the
    reference's label; a replaced stretch takes the entity of the reference words it replaced (if
    any); an inserted word takes the entity of a neighbour (the one before first)."""
    ref_folded, hyp_folded = [fold(w) for w, _ in reference], [fold(w) for w, _, _ in hyp]
    labels: list[int | None] = [None] * len(hyp)
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, ref_folded, hyp_folded, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(a1 - a0):
                labels[b0 + k] = reference[a0 + k][1]
        elif op == "replace":
            inside = [reference[k][1] for k in range(a0, a1) if reference[k][1] is not None]
            for k in range(b0, b1):
                labels[k] = max(set(inside), key=inside.count) if inside else None
        elif op == "insert":
            before = reference[a0 - 1][1] if a0 > 0 else None
            after = reference[a0][1] if a0 < len(reference) else None
            for k in range(b0, b1):
                labels[k] = before if before is not None else after
    return labels


def informative(word: str) -> bool:
    """A word that gives a value away: it holds a digit, an @ or an inner dot (an address), or it
    is a capitalised word that is not an everyday one ("I", "The") or a title ("Doctor"). The lowercase words the
    alignment puts inside an entity ("is", "at", "me", a misheard "leads") do not: an entity counts
    as redacted when none of its informative words is left."""
    from wordfreq import zipf_frequency

    from linguaflow.privacy.spoken_names import TITLES

    core = word.strip(".,;:!?\"'()")
    if re.search(r"\d|@|\w\.\w", core):
        return True
    return bool(core[:1].isupper()) and core not in TITLES and zipf_frequency(core.lower(), "en") < EVERYDAY_ZIPF


def audio_for(sentences: list[dict]) -> list[Path]:
    root = speechgen.cache_dir() / f"{CORPUS_VERSION}-audio"
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    gap = np.zeros(int(speechgen.RATE * 0.4), np.int16)
    for n, s in enumerate(sentences):
        voice, pitch = VOICES[n % len(VOICES)]
        path = root / f"{s['id']}-{voice}.wav"
        if not path.exists():
            speechgen.write_wav(path, np.concatenate([gap, speechgen.speak(s["spoken"], voice, pitch, speed=150), gap]))
        paths.append(path)
    return paths


def transcripts_for(sentences: list[dict], model: str, only: set[str] | None = None) -> dict[str, str]:
    """{sentence id: transcript text}, cached per model (transcription is the slow part); `only`:
    the ids to transcribe now (a sentence's voice is still its place among all of them)."""
    from linguaflow.speech.transcribe import transcribe
    from linguaflow.speech.types import AsrOptions

    cache = speechgen.cache_dir() / f"{CORPUS_VERSION}-transcripts-{model}.json"
    done = json.loads(cache.read_text()) if cache.exists() else {}
    missing = [(s, p) for s, p in zip(sentences, audio_for(sentences), strict=True)
               if s["id"] not in done and (only is None or s["id"] in only)]
    opts = AsrOptions(model=model, language="en")
    for n, (s, path) in enumerate(missing, 1):
        done[s["id"]] = transcribe(str(path), opts).text
        if n % 25 == 0 or n == len(missing):
            cache.write_text(json.dumps(done, indent=0, ensure_ascii=False))
            print(f"  transcribed {n}/{len(missing)}", flush=True)
    return done


def score(sentences: list[dict], texts: dict[str, str], show_misses: bool = False) -> dict:
    per_type: dict[str, dict[str, int]] = {t: {"entities": 0, "redacted": 0, "dropped": 0, "exact": 0, "exact_redacted": 0}
                                           for t in detect.DEFAULT}
    other_words = other_redacted = clean_sentences = clean_touched = 0
    seconds, calls = 0.0, 0
    for s in sentences:
        text = texts[s["id"]]
        began = time.perf_counter()
        found = detect.find(text, detect.DEFAULT)
        seconds += time.perf_counter() - began
        calls += 1
        hyp = words_of(text)
        labels = transcript_labels(reference_labels(s), hyp)
        spoken_form = alnum(spoken.normalise(text).text)
        redacted = [any(a < e and b > st for a, b in ((f.start, f.end) for f in found)) for _, st, e in hyp]
        content = [informative(w) for w, _, _ in hyp]
        for n, ent in enumerate(s["entities"]):
            row = per_type[ent["type"]]
            row["entities"] += 1
            mine = [k for k, lab in enumerate(labels) if lab == n and content[k]]
            if not mine:
                row["dropped"] += 1
                continue
            exact = heard_whole(ent["written"], spoken_form)
            row["exact"] += exact
            if all(redacted[k] for k in mine):
                row["redacted"] += 1
                row["exact_redacted"] += exact
            elif show_misses:
                print(f"  missed {ent['type']:<11} {s['id']}{' (heard as written)' if exact else ''}: "
                      f"{' '.join(hyp[k][0] for k in mine)!r} in {text!r}")
        plain = [k for k, lab in enumerate(labels) if lab is None and re.search(r"\w", hyp[k][0])]
        other_words += len(plain)
        wrong = [k for k in plain if redacted[k]]
        other_redacted += len(wrong)
        if show_misses and wrong:
            print(f"  false     {s['id']}: {' '.join(hyp[k][0] for k in wrong)!r} in {text!r}")
        if not s["entities"]:
            clean_sentences += 1
            clean_touched += bool(found)
    return {"types": per_type, "other_words": other_words, "other_redacted": other_redacted,
            "clean_sentences": clean_sentences, "clean_touched": clean_touched, "ms_per_segment": 1000 * seconds / max(1, calls)}


def table(name: str, result: dict) -> list[str]:
    lines = [f"### {name}", "", "| type | entities | redacted | recall | dropped by ASR | heard as written | recall there |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, row in result["types"].items():
        heard = row["entities"] - row["dropped"]
        lines.append(f"| {kind} | {heard} | {row['redacted']} | {100 * row['redacted'] / max(1, heard):.1f} % | {row['dropped']} | "
                     f"{row['exact']} | {100 * row['exact_redacted'] / max(1, row['exact']):.1f} % |")
    lines += ["", f"False redactions: {result['other_redacted']} of {result['other_words']} words that are no personal data "
                  f"({100 * result['other_redacted'] / max(1, result['other_words']):.2f} %); sentences without personal "
                  f"data touched: {result['clean_touched']} of {result['clean_sentences']}; "
                  f"detection {result['ms_per_segment']:.1f} ms per sentence.", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="all", choices=(*SPLITS, "all"))
    parser.add_argument("--model", default="base")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    sentences = json.loads(DATA.read_text())["sentences"]
    for later in LATER_SETS.values():
        if later.exists():
            sentences += json.loads(later.read_text())["sentences"]
    splits = SPLITS if args.split == "all" else (args.split,)
    texts = transcripts_for(sentences, args.model, {s["id"] for s in sentences if s["split"] in splits})
    detect.analyzer()  # loaded once, outside the timing
    rows = {}
    for split in splits:
        chosen = [s for s in sentences if s["split"] == split]
        rows[split] = score(chosen, texts, args.show_misses)
        print("\n".join(table(f"{split} ({len(chosen)} sentences, Whisper {args.model})", rows[split])))
    common.write_figures("pii", "personal data redaction on transcribed speech: recall per type, false redactions",
                         [{"split": k, **v} for k, v in rows.items()], model=args.model)


if __name__ == "__main__":
    main()
