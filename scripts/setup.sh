#!/usr/bin/env bash
# Create .venv and install the pinned stack (idempotent; fast when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! command -v uv >/dev/null 2>&1; then
  "$PY" -m pip install -q "uv==0.13.8"
fi
[ -x .venv/bin/python ] || uv venv -q --python 3.11 .venv

# llama.cpp is compiled from source: build for a portable x86-64 baseline (AVX2), not -march=native,
# whose AMX kernels crash on hosts (VMs, sandboxes) that do not grant the AMX state.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF}"
reqs=(-r requirements.txt)
[ "${1:-}" = "--dev" ] && reqs+=(-r requirements-dev.txt)
uv pip install -q --python .venv/bin/python "${reqs[@]}"
uv pip install -q --python .venv/bin/python --no-deps -e .
