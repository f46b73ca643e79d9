"""Speech chunks of every transcription in flight decoded side by side.

faster-whisper's batched pipeline decodes one file's VAD chunks (up to 30 s each) B at a time,
which helps a long file and does nothing for many short ones: a 4 s clip is one chunk. Here one
decoding thread per model and batch size takes whatever chunks are waiting, from any number of
concurrent transcriptions (the ASR service's requests), up to B at once, whenever it is free: no
timer, so a lone request waits for nothing, and under load the batches fill by themselves while
the previous one decodes. On the CPU a batch pays the decoder's weights once per token for all of
its chunks (bench/RESULTS.md: the service at 1/4/8 in flight, with and without it).

Chunks are batched together only when they decode alike (language, task, prompt, decoding
options); a transcription with word timestamps is batched only with its own chunks, in order,
since word timing carries the last word's end from chunk to chunk.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import threading

import numpy as np
from faster_whisper.transcribe import BatchedInferencePipeline, Segment, Word

# what decides how a chunk is decoded (TranscriptionOptions less the per-file clip timestamps)
_DECODING = ("beam_size", "patience", "length_penalty", "repetition_penalty", "no_repeat_ngram_size",
             "temperatures", "initial_prompt", "prefix", "suppress_blank", "suppress_tokens", "without_timestamps",
             "word_timestamps", "prepend_punctuations", "append_punctuations", "multilingual", "max_new_tokens",
             "hotwords")


@dataclasses.dataclass(eq=False)
class _File:
    """One transcription's share of the queue: how its chunks decode, and its word-timing state."""

    tokenizer: object
    options: object
    last_speech_s: float = 0.0

    def key(self) -> tuple:
        own = id(self) if self.options.word_timestamps else None
        return (own, self.tokenizer.language, self.tokenizer.task,
                repr(tuple(getattr(self.options, f) for f in _DECODING)))


@dataclasses.dataclass(eq=False)
class _Chunk:
    file: _File
    key: tuple
    features: np.ndarray
    metadata: dict
    done: concurrent.futures.Future = dataclasses.field(default_factory=concurrent.futures.Future)


class SharedBatchPipeline(BatchedInferencePipeline):
    """faster-whisper's batched pipeline whose chunks go through one shared decoding queue."""

    def __init__(self, model, size: int):
        super().__init__(model)
        self.size = size
        self.batches = 0  # batches decoded and chunks in them (what the service's metrics show)
        self.chunks = 0
        self._waiting: collections.deque[_Chunk] = collections.deque()
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None

    def _batched_segments_generator(self, features, tokenizer, chunks_metadata, batch_size, options, log_progress):
        """faster-whisper's own, but every chunk queued at once and its segments taken in order."""
        file = _File(tokenizer, options)
        chunks = [_Chunk(file, file.key(), f, m) for f, m in zip(features, chunks_metadata)]
        self._submit(chunks)
        seg_idx = 0
        for chunk in chunks:
            for s in chunk.done.result():
                seg_idx += 1
                yield Segment(
                    seek=s["seek"], id=seg_idx, text=s["text"], start=round(s["start"], 3), end=round(s["end"], 3),
                    words=[Word(**w) for w in s["words"]] if options.word_timestamps else None, tokens=s["tokens"],
                    avg_logprob=s["avg_logprob"], no_speech_prob=s["no_speech_prob"],
                    compression_ratio=s["compression_ratio"], temperature=options.temperatures[0],
                )

    def _submit(self, chunks: list[_Chunk]) -> None:
        with self._ready:
            self._waiting.extend(chunks)
            if self._thread is None:
                self._thread = threading.Thread(target=self._decode_forever, name="asr-batch-decoder", daemon=True)
                self._thread.start()
            self._ready.notify()

    def _next_batch(self) -> list[_Chunk]:
        """The oldest waiting chunk and up to size-1 more that decode alike, in queue order."""
        with self._ready:
            while not self._waiting:
                self._ready.wait()
            key = self._waiting[0].key
            batch = [c for c in self._waiting if c.key == key][:self.size]
            for c in batch:
                self._waiting.remove(c)
            return batch

    def _decode_forever(self) -> None:
        while True:
            batch = self._next_batch()
            file = batch[0].file
            try:
                self.last_speech_timestamp = file.last_speech_s
                results = self.forward(np.stack([c.features for c in batch]), file.tokenizer,
                                       [c.metadata for c in batch], file.options)
                file.last_speech_s = self.last_speech_timestamp
            except BaseException as exc:  # noqa: BLE001 - each waiting transcription raises it
                for c in batch:
                    c.done.set_exception(exc)
                continue
            self.batches += 1
            self.chunks += len(batch)
            for c, result in zip(batch, results):
                c.done.set_result(result)


_SHARED: dict[tuple[int, int], SharedBatchPipeline] = {}
_SHARED_LOCK = threading.Lock()


def shared_pipeline(model, size: int) -> SharedBatchPipeline:
    """The one pipeline (and decoding thread) of a loaded model and batch size in this process."""
    with _SHARED_LOCK:
        if (id(model), size) not in _SHARED:  # the pipeline holds the model: its id stays its own
            _SHARED[id(model), size] = SharedBatchPipeline(model, size)
        return _SHARED[id(model), size]


def totals() -> tuple[int, int]:
    """Batches decoded, and chunks in them, by every shared pipeline of this process."""
    with _SHARED_LOCK:
        return sum(p.batches for p in _SHARED.values()), sum(p.chunks for p in _SHARED.values())
