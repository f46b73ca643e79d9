"""Translation backends. Each has `translate(items, source, target, **options) -> items`, where
items are [(id, text), ...] and the same ids come back in the same order."""
