#!/usr/bin/env bash
# Create .venv and install the pinned stack (idempotent; fast when nothing changed).
#   setup.sh            runtime (faster-whisper engine, llama.cpp translation, Airflow + providers)
#   setup.sh --torch    + the openai-whisper engine and transformers MT backends (torch, CPU)
#   setup.sh --dev      + openai-whisper + test tools
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! command -v uv >/dev/null 2>&1; then
  "$PY" -m pip install -q "uv==0.13.8"
fi
[ -x .venv/bin/python ] || uv venv -q --python 3.11 .venv

# llama.cpp is compiled from source (no wheel on the index). Build it once per machine into a
# wheel cache, for a portable x86-64 baseline (AVX2) rather than -march=native, whose AMX kernels
# crash on hosts (VMs, sandboxes) that do not grant the AMX state.
WHEELS=${LINGUAFLOW_WHEEL_CACHE:-$HOME/.cache/linguaflow/wheels}
LLAMA=$(grep -E '^llama-cpp-python==' requirements.txt | cut -d= -f3)
if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA"-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $LLAMA once (a few minutes)..."
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF" \
    "$PY" -m pip wheel -q --no-deps --no-cache-dir -w "$WHEELS" "llama-cpp-python==$LLAMA"
fi
reqs=(-r requirements.txt)
extra=false
case "${1:-}" in
  --dev) reqs+=(-r requirements-dev.txt -r requirements-torch.txt); extra=true ;;
  --torch) reqs+=(-r requirements-torch.txt); extra=true ;;
esac
# torch: the CPU wheel (found on this machine's wheel folder when there is one), never a CUDA build
links=(--find-links "$WHEELS")
[ -d /opt/wheels ] && links+=(--find-links /opt/wheels)
uv pip install -q --python .venv/bin/python "${links[@]}" "${reqs[@]}"
if $extra; then  # openai-whisper without its triton requirement (CUDA kernels only); resemblyzer
  # (speaker encoder) without its `webrtcvad`: webrtcvad-wheels, in requirements-torch, provides it
  uv pip install -q --python .venv/bin/python --no-deps "openai-whisper==20250625" "resemblyzer==0.1.4"
fi
uv pip install -q --python .venv/bin/python --no-deps -e .
# Bytecode, once per dependency set: where PYTHONDONTWRITEBYTECODE is set (containers, CI, this
# sandbox) Python would otherwise compile every imported module on every start (~2 s per command).
stamp=".venv/.bytecode-$(cat requirements*.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  .venv/bin/python -m compileall -q -j 0 .venv/lib/python3.11/site-packages include >/dev/null 2>&1 || true
  rm -f .venv/.bytecode-* && touch "$stamp"
fi
