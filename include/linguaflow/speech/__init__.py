"""Speech: media probing, windowed decoding, and one module per ASR engine behind `transcribe`."""
