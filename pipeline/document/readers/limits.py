"""What a reader may expand, in one place: each limit is refused in one line naming the file.

LETTER_MAX_BYTES (readers/__init__.py) bounds a letter's bytes on disk; these
bound what the readers make of them, so that a small hostile file (a YAML
alias bomb, a zip bomb, a page nested thousands deep) is refused in well
under a second and a few tens of MB instead of taking minutes and gigabytes.
"""

from __future__ import annotations

# Markdown front matter: a few lines of title, description and date. YAML aliases
# (*name) are refused outright: they are how a 500-byte "billion laughs" expands.
FRONT_MATTER_MAX_BYTES = 64 * 1024
FRONT_MATTER_MAX_DEPTH = 20  # nested lists/mappings; PyYAML recurses once per level

# Word (.docx) zip archives, checked on the central directory before anything is
# inflated. A letter's document.xml is a few MB (3,000 signatories: ~4 MB); Word
# writes 10-30 entries, more with images.
DOCX_MAX_ENTRIES = 1000
DOCX_MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # declared uncompressed sizes, all entries
DOCX_MAX_RATIO = (
    500  # uncompressed / compressed, per entry over 1 MB (Word's XML: ~10-30; deflate's most: ~1000)
)

# HTML: libxml2 (lxml's parser) stops at this nesting depth without XML_PARSE_HUGE and
# drops the rest of the page silently; such a page is refused, not read in part.
HTML_MAX_DEPTH = 256
HTML_MAX_ATTRIBUTES = 1000  # on one tag: libxml2's duplicate check is quadratic in them
