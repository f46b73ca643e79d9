"""What the warm services (Whisper, translation) share: admission, OpenAI-shaped errors, the API key."""
