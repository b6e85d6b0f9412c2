"""takedown archive: every operation under a folder, ingested and rendered, and one atlas."""
