"""Read a CTranslate2 Whisper `model.bin` and write the same weights as an openai-whisper checkpoint.

This lets the reference engine run on exactly the weights the default engine uses (a fair
comparison, and a real openai-whisper model with no hub download). The CTranslate2 binary format
(version 6) is: header, then per variable its name, shape, dtype and raw little-endian data, then
aliases. q/k/v projections are fused in CTranslate2 and split here; the key bias is zero in
Whisper, so openai-whisper has none.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    variables: dict[str, np.ndarray] = {}
    with open(path, "rb") as f:
        def take(fmt):
            return struct.unpack("<" + fmt, f.read(struct.calcsize("<" + fmt)))

        def string():
            (n,) = take("H")
            return f.read(n).rstrip(b"\0").decode()

        (version,) = take("I")
        if version != 6:
            raise ValueError(f"unsupported CTranslate2 model.bin version {version} (expected 6)")
        spec = string()
        if spec != "WhisperSpec":
            raise ValueError(f"not a Whisper model: {spec}")
        take("I")  # spec revision
        (count,) = take("I")
        for _ in range(count):
            name = string()
            (rank,) = take("B")
            shape = take(f"{rank}I") if rank else ()
            dtype, nbytes = take("B")[0], take("I")[0]
            if dtype not in _DTYPES:
                raise ValueError(f"{name}: quantized dtype {dtype} cannot be converted; use an fp16/fp32 model")
            data = np.frombuffer(f.read(nbytes), dtype=_DTYPES[dtype])
            variables[name] = data.reshape(shape) if shape else data[0]
    return variables


def to_openai_whisper(v: dict[str, np.ndarray]) -> dict:
    """CTranslate2 variables -> {"dims": ..., "model_state_dict": ...} as `whisper.load_model` reads."""
    import torch

    def layers(prefix):
        found = (re.match(rf"{prefix}/layer_(\d+)/", k) for k in v)
        return sorted({int(m.group(1)) for m in found if m})

    sd: dict[str, torch.Tensor] = {}
    t = lambda a: torch.from_numpy(np.array(a))  # noqa: E731

    def linear(dst, src, bias=True):
        sd[f"{dst}.weight"] = t(v[f"{src}/weight"])
        if bias:
            sd[f"{dst}.bias"] = t(v[f"{src}/bias"])

    def norm(dst, src):
        sd[f"{dst}.weight"], sd[f"{dst}.bias"] = t(v[f"{src}/gamma"]), t(v[f"{src}/beta"])

    def attention(dst, src, fused: str, n: int, qkv: bool):
        w, b = v[f"{src}/{fused}/weight"], v[f"{src}/{fused}/bias"]
        names = ["query", "key", "value"] if qkv else ["key", "value"]
        for i, part in enumerate(names):
            sd[f"{dst}.{part}.weight"] = t(w[i * n : (i + 1) * n])
            if part != "key":
                sd[f"{dst}.{part}.bias"] = t(b[i * n : (i + 1) * n])

    state = v["encoder/conv1/weight"].shape[0]
    for side in ("encoder", "decoder"):
        for i in layers(side):
            src, dst = f"{side}/layer_{i}", f"{side}.blocks.{i}"
            attention(f"{dst}.attn", f"{src}/self_attention", "linear_0", state, qkv=True)
            linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
            norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
            if side == "decoder":
                linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
                attention(f"{dst}.cross_attn", f"{src}/attention", "linear_1", state, qkv=False)
                linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
                norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
            linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
            linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
            norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")
    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    sd["encoder.positional_embedding"] = t(v["encoder/position_encodings/encodings"])
    norm("encoder.ln_post", "encoder/layer_norm")
    sd["decoder.token_embedding.weight"] = t(v["decoder/embeddings/weight"])
    sd["decoder.positional_embedding"] = t(v["decoder/position_encodings/encodings"])
    norm("decoder.ln", "decoder/layer_norm")

    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(v["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(state),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": len(layers("encoder")),
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(v["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": len(layers("decoder")),
    }
    return {"dims": dims, "model_state_dict": sd}


def convert(model_dir: Path, out: Path) -> Path:
    import torch

    checkpoint = to_openai_whisper(read_ct2(Path(model_dir) / "model.bin"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    torch.save(checkpoint, tmp)
    tmp.replace(out)
    return out
