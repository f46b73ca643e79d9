"""Local sequence-to-sequence MT models (MarianMT, NLLB, M2M100): through transformers, or the same
model converted to CTranslate2 (several times faster on CPU). Both batch, and both split a segment
longer than the model's input limit on sentence boundaries and join the translated pieces.

Models load from a local directory only (production: a mounted volume); nothing is downloaded.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..errors import BadInput

NLLB_CODES = {
    "en": "eng_Latn", "zh": "zho_Hans", "ja": "jpn_Jpan", "de": "deu_Latn", "fr": "fra_Latn", "es": "spa_Latn",
    "ko": "kor_Hang", "ru": "rus_Cyrl", "pt": "por_Latn", "it": "ita_Latn", "ar": "arb_Arab", "hi": "hin_Deva",
    "nl": "nld_Latn", "tr": "tur_Latn", "pl": "pol_Latn", "uk": "ukr_Cyrl", "vi": "vie_Latn",
}
NO_SPACE = {"zh", "ja", "th", "yue"}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


def _model_dir(model: str) -> Path:
    path = Path(model).expanduser()
    if not (path / "config.json").exists():
        raise BadInput(f"no seq2seq model at {model!r} (a local model directory with config.json is needed)")
    return path


def _lang_codes(tokenizer, source: str, target: str, src_lang: str | None, tgt_lang: str | None):
    """The model's own language codes: NLLB's eng_Latn style, M2M100's __en__ style, none for Marian."""
    name = type(tokenizer).__name__.lower()
    if "nllb" in name:
        return src_lang or NLLB_CODES.get(source, source), tgt_lang or NLLB_CODES.get(target, target)
    if "m2m" in name:
        return src_lang or source, tgt_lang or target
    return None, None


def split_long(text: str, count_tokens, limit: int) -> list[str]:
    """Split on sentence ends into pieces of at most `limit` tokens (a longer sentence stays whole)."""
    if count_tokens(text) <= limit:
        return [text]
    pieces, current = [], ""
    for sentence in filter(None, _SENTENCE_END.split(text)):
        candidate = f"{current} {sentence}".strip()
        if current and count_tokens(candidate) > limit:
            pieces.append(current)
            candidate = sentence
        current = candidate
    return pieces + ([current] if current else [])


class _Seq2Seq:
    """Shared flow: split long items, translate all pieces in batches, rejoin per item."""

    max_input_tokens = 200

    def _count(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def translate(self, items, source, target, batch_size: int = 16, terms: dict | None = None):
        """`terms` are not followed: a seq2seq model takes no instructions (the glossary check flags misses)."""
        pieces: list[tuple[int, str]] = []
        for n, (_, text) in enumerate(items):
            if text.strip():
                pieces += [(n, p) for p in split_long(text, self._count, self.max_input_tokens)]
        texts = [p for _, p in pieces]
        done: list[str] = []
        for start in range(0, len(texts), batch_size):
            done += self._generate(texts[start : start + batch_size], source, target)
        joined: dict[int, list[str]] = {}
        for (n, _), out in zip(pieces, done):
            joined.setdefault(n, []).append(out.strip())
        sep = "" if target in NO_SPACE else " "
        return [(i, sep.join(joined.get(n, []))) for n, (i, _) in enumerate(items)]


class TransformersTranslator(_Seq2Seq):
    def __init__(self, model: str, src_lang: str | None = None, tgt_lang: str | None = None, max_new_tokens: int = 256):
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        path = _model_dir(model)
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(path, local_files_only=True).eval()
        self.codes = (src_lang, tgt_lang)
        self.max_new_tokens = max_new_tokens

    def _generate(self, texts, source, target):
        import torch

        src, tgt = _lang_codes(self.tokenizer, source, target, *self.codes)
        kwargs = {}
        if src:
            self.tokenizer.src_lang = src
            kwargs["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(tgt if "_" in tgt else f"__{tgt}__")
        batch = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True)
        with torch.inference_mode():
            out = self.model.generate(**batch, max_new_tokens=self.max_new_tokens, num_beams=1, **kwargs)
        return self.tokenizer.batch_decode(out, skip_special_tokens=True)


class CTranslate2Translator(_Seq2Seq):
    """A CTranslate2 model directory; the tokenizer files sit beside it (or in `tokenizer`)."""

    def __init__(self, model: str, tokenizer: str | None = None, src_lang: str | None = None,
                 tgt_lang: str | None = None, compute_type: str = "int8", device: str = "cpu", max_decoding_length: int = 256):
        import ctranslate2
        from transformers import AutoTokenizer

        path = Path(model).expanduser()
        if not (path / "model.bin").exists():
            raise BadInput(f"no CTranslate2 model at {model!r}")
        self.tokenizer = AutoTokenizer.from_pretrained(Path(tokenizer) if tokenizer else path, local_files_only=True)
        self.translator = ctranslate2.Translator(str(path), device=device, compute_type=compute_type)
        self.codes = (src_lang, tgt_lang)
        self.max_decoding_length = max_decoding_length

    def _generate(self, texts, source, target):
        src, tgt = _lang_codes(self.tokenizer, source, target, *self.codes)
        if src:
            self.tokenizer.src_lang = src
        tokens = [self.tokenizer.convert_ids_to_tokens(self.tokenizer.encode(t)) for t in texts]
        prefix = [[tgt if "_" in tgt else f"__{tgt}__"]] * len(texts) if tgt else None
        results = self.translator.translate_batch(tokens, target_prefix=prefix, max_decoding_length=self.max_decoding_length, beam_size=1)
        out = []
        for r in results:
            hyp = r.hypotheses[0][1:] if prefix else r.hypotheses[0]
            out.append(self.tokenizer.decode(self.tokenizer.convert_tokens_to_ids(hyp), skip_special_tokens=True))
        return out


@functools.lru_cache(maxsize=4)
def transformers_backend(model: str, **options) -> TransformersTranslator:
    return TransformersTranslator(model, **options)


@functools.lru_cache(maxsize=4)
def ctranslate2_backend(model: str, **options) -> CTranslate2Translator:
    return CTranslate2Translator(model, **options)
