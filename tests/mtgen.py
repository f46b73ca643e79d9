"""Build a tiny real MarianMT model (sentencepiece tokenizer + config + random weights) on disk.

No package ships MarianMT/NLLB weights, so the transformers and CTranslate2 backends are tested
on this: their real loading, batching, splitting and generation code, with output text that is
meaningless (random weights) but deterministic.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

CORPUS = [
    "the weather is nice today.", "i like green tea.", "and you always want to see it in the superlative degree.",
    "das wetter ist heute schön.", "ich mag grünen tee.", "this is a test of the translation system!",
]


def build_marian(out: Path) -> Path:
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus.txt"
    corpus.write_text("\n".join(CORPUS * 40))
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(out / "spm"), vocab_size=64, model_type="unigram",
        character_coverage=1.0, pad_id=-1, bos_id=-1, eos_id=1, unk_id=2, hard_vocab_limit=False,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_file=str(out / "spm.model"))
    vocab = {"</s>": 0, "<unk>": 1}  # as in real Marian vocabularies: <pad> comes last
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab))
    for name in ("source.spm", "target.spm"):
        shutil.copy(out / "spm.model", out / name)
    tok = MarianTokenizer(vocab=str(out / "vocab.json"), source_spm=str(out / "source.spm"),
                          target_spm=str(out / "target.spm"), source_lang="en", target_lang="de")
    tok.save_pretrained(out)
    cfg = MarianConfig(
        vocab_size=len(tok), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=256,
        pad_token_id=vocab["<pad>"], eos_token_id=0, decoder_start_token_id=vocab["<pad>"],
    )
    torch.manual_seed(0)
    MarianMTModel(cfg).save_pretrained(out)
    return out


def convert_ct2(model: Path, out: Path) -> Path:
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(model)).convert(str(out), force=True)
    for name in ("tokenizer_config.json", "vocab.json", "source.spm", "target.spm", "special_tokens_map.json"):
        if (model / name).exists():
            shutil.copy(model / name, out / name)
    return out
