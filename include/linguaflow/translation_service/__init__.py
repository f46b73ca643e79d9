"""The warm translation service: the bundled GGUF models behind OpenAI's chat API (`linguaflow serve-mt`)."""
