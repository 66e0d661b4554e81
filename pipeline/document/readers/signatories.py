"""One signatory line -> name, title and kind (person or organisation).

Hand-written rules: no maintained library splits "Name – Title" or tells a
person's name from an organisation's on a bare line (spaCy's NER would need a
model download and still guesses); the rules below are small and tested on the
corpus in tests/data/letters/.
"""

from __future__ import annotations

import re

from pipeline.document.model import ORGANISATION, PERSON

# Quotation marks that may open or close a quoted name.
OPENING_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}
# A name/title separator: an en or em dash, or a hyphen with a space after it
# (``Name - Title``, ``Name- Title``). A hyphen between letters (``Al-Aziz``)
# is part of the name.
SEPARATOR = re.compile(r"\s*[–—]\s*|\s+-\s+|-\s+|\s+-(?=\S)")
# Title-final abbreviations whose period is kept.
TITLE_ABBREVIATIONS = {"inc", "ltd", "co", "corp", "jr", "sr", "llc", "plc", "assn", "dept", "univ"}
# A comma before one of these is part of an organisation's name ("Acme Holdings, Inc.").
LEGAL_SUFFIX = re.compile(
    r"^(?:inc|llc|ltd|limited|plc|co|corp|gmbh|ag|sa|s\.a|bv|b\.v|nv|ab|as|oy|srl|spa|pty|llp|lp|e\.v|ev)\.?$",
    re.IGNORECASE,
)
# Words that make a name an organisation's (English and a few common others).
ORG_WORDS = set(
    [
        "association",
        "associations",
        "alliance",
        "academy",
        "action",
        "agency",
        "assembly",
        "bank",
        "board",
        "bureau",
        "campaign",
        "center",
        "centre",
        "chamber",
        "church",
        "coalition",
        "collective",
        "college",
        "commission",
        "committee",
        "community",
        "company",
        "conference",
        "congress",
        "conservancy",
        "consortium",
        "council",
        "cooperative",
        "co-operative",
        "corporation",
        "department",
        "division",
        "earth",
        "federation",
        "forum",
        "foundation",
        "front",
        "fund",
        "group",
        "guild",
        "holdings",
        "hub",
        "initiative",
        "institute",
        "institution",
        "international",
        "league",
        "lab",
        "labs",
        "laboratory",
        "limited",
        "ltd",
        "media",
        "ministry",
        "movement",
        "museum",
        "network",
        "office",
        "organisation",
        "organization",
        "organizations",
        "organisations",
        "partners",
        "partnership",
        "party",
        "press",
        "project",
        "program",
        "programme",
        "publishing",
        "research",
        "school",
        "services",
        "society",
        "software",
        "solutions",
        "studio",
        "studios",
        "syndicate",
        "systems",
        "team",
        "technologies",
        "technology",
        "trust",
        "union",
        "unions",
        "university",
        "watch",
        "inc",
        "inc.",
        "llc",
        "gmbh",
        "e.v.",
        "ngo",
        "coop",
        "sciences",
        "institut",
        "fondation",
        "verein",
        "stiftung",
        "associação",
        "asociación",
    ]
)
# Lower-case particles that belong to personal names (de, van, bin …).
NAME_PARTICLES = {
    "de",
    "da",
    "das",
    "do",
    "dos",
    "del",
    "della",
    "di",
    "du",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "bin",
    "bint",
    "ibn",
    "al",
    "el",
    "y",
    "e",
    "zu",
    "af",
    "av",
    "st.",
}


def quoted_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = None
    closer = ""
    for index, char in enumerate(text):
        if start is None and char in OPENING_QUOTES:
            start, closer = index, OPENING_QUOTES[char]
        elif start is not None and char == closer:
            spans.append((start, index + 1))
            start = None
    return spans


def paren_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside parentheses ("Name (Lab - Project)"), where a dash is not a separator."""
    spans, stack = [], []
    for index, char in enumerate(text):
        if char == "(":
            stack.append(index)
        elif char == ")" and stack:
            start = stack.pop()
            if not stack:
                spans.append((start, index + 1))
    return spans


def split_dash(text: str) -> tuple[str, str] | None:
    """Split "Name – Title" at the first separator outside quotation marks.

    Returns ("", title) when the line starts with a dash (a name is missing).
    """
    if "-" not in text and "–" not in text and "—" not in text:
        return None
    stripped = text.lstrip()
    if re.match(r"^[–—-]\s", stripped):
        return "", stripped[1:].strip()
    quoted = quoted_spans(text) + paren_spans(text)
    for match in SEPARATOR.finditer(text):
        if match.start() == 0 or any(start <= match.start() < end for start, end in quoted):
            continue
        return text[: match.start()].strip(), text[match.end() :].strip()
    return None


def split_parentheses(text: str) -> tuple[str, str] | None:
    """ "Name (Affiliation)" -> (Name, Affiliation); nested parentheses stay in the title."""
    body = text.rstrip()
    if body.endswith(")."):  # "Name (Affiliation)." at the end of a sentence-like line
        body = body[:-1]
    if not body.endswith(")"):
        return None
    depth = 0
    for index in range(len(body) - 1, -1, -1):
        if body[index] == ")":
            depth += 1
        elif body[index] == "(":
            depth -= 1
            if depth == 0:
                name, inside = body[:index].strip(), body[index + 1 : -1].strip()
                if not name or not inside:
                    return None
                if re.fullmatch(r"[A-Z0-9&.\-]{2,10}", inside) and is_organisation(name):
                    return None  # "Free Software Foundation Europe (FSFE)": an acronym, not a title
                return name, inside
    return None


def looks_like_person(name: str) -> bool:
    """Two to five words, each capitalised (or a name particle), no organisation word."""
    words = name.replace("\u00a0", " ").split()
    if not 2 <= len(words) <= 5 or is_organisation(name):
        return False
    for word in words:
        bare = word.strip("\"'“”‘’().,")
        if not bare:
            return False
        if bare.lower() in NAME_PARTICLES:
            continue
        if not (bare[0].isupper() or bare[0] == "@") or any(c.isdigit() for c in bare):
            return False
    return True


def is_organisation(name: str) -> bool:
    """Does the name read as an organisation's (Union, Institute, Inc., "of the", an acronym)?"""
    words = [w.strip("\"'“”‘’(),.;:") for w in name.split()]
    lowered = [w.lower() for w in words if w]
    if any(w in ORG_WORDS for w in lowered):
        return True
    if any(LEGAL_SUFFIX.match(w) for w in lowered[1:]):
        return True
    if len(words) == 1 and re.fullmatch(r"[A-Z0-9&\-]{2,}", words[0] or ""):
        return True  # an acronym: ACLU, EFF
    # Function words that person names do not have ("Friends of the Earth").
    return any(w in ("of", "for", "the", "and", "&", "on", "against", "to") for w in lowered[1:])


def split_comma(text: str) -> tuple[str, str] | None:
    """ "Jane Roe, Professor of History" -> (name, title); an organisation keeps its comma."""
    if "," not in text:
        return None
    name, title = (part.strip() for part in text.split(",", 1))
    if not name or not title or LEGAL_SUFFIX.match(title.rstrip(".")) or LEGAL_SUFFIX.match(title):
        return None
    if is_organisation(name) or not looks_like_person(name):
        return None
    return name, title


def clean_title(title: str) -> str:
    """Drop a sentence-final period from a title, keeping abbreviations (Inc.)."""
    if title.endswith(".") and not title.endswith(".."):
        last = title[:-1].rsplit(" ", 1)[-1]
        if last.lower() not in TITLE_ABBREVIATIONS and "." not in last:
            return title[:-1].rstrip()
    return title


def entity_of(name: str, title: str, hint: str | None) -> str:
    """Person or organisation: the section's heading decides, else the name itself."""
    if hint:
        return hint
    if title and not is_organisation(name):
        return PERSON
    return ORGANISATION if is_organisation(name) else PERSON


SECTION_ORGANISATIONS = re.compile(
    r"\b(organi[sz]ations?|groups?|institutions?|companies|businesses|endorsing|endorsements?|"
    r"unions|associations|ngos|networks|partners|collectives)\b",
    re.IGNORECASE,
)
SECTION_PEOPLE = re.compile(
    r"\b(individuals?|people|persons?|personal|scientists|academics|researchers|members|signers|"
    r"experts|scholars|authors|citizens)\b",
    re.IGNORECASE,
)


def section_hint(heading: str | None) -> str | None:
    """ "Organizations" -> organisation, "Individuals" -> person, anything else -> no hint."""
    if not heading:
        return None
    if SECTION_ORGANISATIONS.search(heading):
        return ORGANISATION
    if SECTION_PEOPLE.search(heading):
        return PERSON
    return None
