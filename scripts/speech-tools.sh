#!/usr/bin/env bash
# What the speech tests need beside the venv: espeak-ng (Debian) to synthesise speech with known
# speakers and words, and the pyannote.audio wheel's two-speaker sample with its reference turns
# (downloaded once, never installed). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v espeak-ng >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null
fi
.venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); import speechgen; speechgen.pyannote_sample()"
