"""linguaflow: media in object storage -> Whisper transcript -> translations -> coded JSON."""

__version__ = "0.1.0"
