"""TMX 1.4 in and out of the translation memory, through translate-toolkit's TMX storage.

Each exported ``<tu>`` carries ``<prop>`` elements for the role, the letter
and the reviewer, so names stay keyed by the name role when the file is read
back; a TMX from another tool without them is read as sentences.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import SOURCE_LANG
from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.memory.units import Unit, memory_role, norm_lang
from pipeline.text.unichars import NOT_XML, char_name

PROPS = ("x-role", "x-letter", "x-reviewer", "x-date")


def _props(unit) -> dict[str, str]:
    element = unit.xmlelement
    return {
        prop.get("type"): (prop.text or "")
        for prop in element.iter()
        if isinstance(prop.tag, str) and prop.tag.endswith("prop") and prop.get("type") in PROPS
    }


def read_tmx(path: Path) -> list[Unit]:
    """Every English→X pair of a TMX file as memory units (TMX holds finished work)."""
    from translate.storage.tmx import tmxfile

    try:
        store = tmxfile.parsefile(str(path))
    except Exception as exc:  # lxml's and the toolkit's parse errors share no base class
        raise PipelineError(path, f"unreadable TMX: {exc}") from exc
    units = []
    name = f"tmx:{Path(path).name}"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for unit in store.units:
        tuvs = [t for t in unit.xmlelement if isinstance(t.tag, str) and t.tag.endswith("tuv")]
        texts = {}
        for tuv in tuvs:
            lang = tuv.get(xml_lang) or tuv.get("lang") or ""
            seg = next((s for s in tuv if isinstance(s.tag, str) and s.tag.endswith("seg")), None)
            if lang and seg is not None:
                texts[norm_lang(lang)] = "".join(seg.itertext())
        source = next((text for lang, text in texts.items() if lang.split("_")[0] == SOURCE_LANG), None)
        if not source:
            continue
        props = _props(unit)
        for lang, target in texts.items():
            if lang.split("_")[0] == SOURCE_LANG or not target:
                continue
            units.append(
                Unit(
                    memory_role(props.get("x-role")),
                    source,
                    target,
                    lang,
                    props.get("x-letter") or name,
                    props.get("x-reviewer") or name,
                    props.get("x-date") or "",
                )
            )
    return units


def _unit_file(unit: Unit, translations: Path) -> Path:
    """The file a memory unit came from: a letter's catalog or a TMX of translations/memory/."""
    if unit.letter.startswith("tmx:"):
        return translations / "memory" / unit.letter.removeprefix("tmx:")
    return translations / unit.letter / f"{unit.lang}.po"


def tmx_bytes(units: list[Unit], translations: Path = Path("translations")) -> bytes:
    """A TMX 1.4 document of the memory's units, one ``<tu>`` per pair, provenance as props."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=SOURCE_LANG)
    for unit in units:
        found = sorted({c for text in (unit.source, unit.target, unit.role) for c in NOT_XML.findall(text)})
        if found:  # lxml refuses them: one line naming where the pair came from
            raise PipelineError(
                _unit_file(unit, Path(translations)),
                f"{unit.source[:40]!r} holds {', '.join(map(char_name, found))}, which TMX cannot hold: "
                "remove it (`make check` flags it [control])",
            )
        store.addtranslation(unit.source, SOURCE_LANG, unit.target, unit.lang.replace("_", "-"))
        element = store.units[-1].xmlelement
        values = (unit.role, unit.letter, unit.reviewer, unit.date)
        for position, (kind, value) in enumerate(zip(PROPS, values, strict=True)):
            prop = etree.Element("prop", type=kind)  # <prop> comes before <tuv> in TMX 1.4
            prop.text = value
            element.insert(position, prop)
    return bytes(store)


def export_memory(units: list[Unit], target: Path, translations: Path = Path("translations")) -> Path:
    atomic_write(Path(target), tmx_bytes(units, translations))
    return Path(target)
