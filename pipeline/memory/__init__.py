"""Translation memory and termbase: reviewed work of every letter reused as drafts, TMX, glossary."""
