"""Results: the coded document (the only home of its codes), its store, queries and subtitles."""
