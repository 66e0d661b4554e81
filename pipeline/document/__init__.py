"""Stage 1: a letter file -> Document (model, sentence splitting, one reader per format, cache)."""
