"""The one gate every hook passes: installed only when the library still is what the hook was written against.

A hook states a :class:`Contract` for each private name it uses: where the name
lives, the parameters it must take (in order), and, for code a hook copies or
whose inner behaviour it relies on, digests of the source it was written against.
:func:`installed` checks them all before a hook goes in. On any mismatch the
hook stands down: nothing is replaced, rendering goes on with the library's own
code (correct output, only slower or without the limits), and one warning line
per hook and process names the hook, what changed and the versions installed.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

LIBRARIES = ("weasyprint", "pydyf", "pyphen")
STOOD_DOWN: dict[str, str] = {}  # hook -> why it was not installed, in this process


@dataclass(frozen=True)
class Contract:
    """What a hook assumes about one name of a library."""

    target: str  # "weasyprint.layout.block.block_box_layout"; "module:Class.attribute" for attributes
    parameters: tuple[str, ...] = ()  # the first parameters of a callable, in order
    source_sha256: frozenset[str] = field(default_factory=frozenset)  # accepted digests of its source


def resolve(target: str) -> object:
    """The object a contract names: ``package.module.name`` or ``package.module:Class.attribute``."""
    if ":" in target:
        module_name, _, path = target.partition(":")
    else:
        module_name, _, path = target.rpartition(".")
    obj: object = importlib.import_module(module_name)
    for part in path.split("."):
        obj = inspect.getattr_static(obj, part) if isinstance(obj, type) else getattr(obj, part)
    return obj


def source_digest(obj: object) -> str:
    """sha256 of an object's source text (of a property: of its getter)."""
    if isinstance(obj, property):
        obj = obj.fget
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()  # type: ignore[arg-type]


def broken(contract: Contract) -> str | None:
    """Why the installed library does not meet ``contract``, or None when it does."""
    try:
        obj = resolve(contract.target)
    except (ImportError, AttributeError):
        return f"{contract.target} is gone"
    if contract.parameters:
        function = obj.fget if isinstance(obj, property) else obj
        try:
            names = tuple(inspect.signature(function).parameters)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return f"{contract.target} is no longer a function"
        if names[: len(contract.parameters)] != contract.parameters:
            return f"{contract.target} takes ({', '.join(names)}), not ({', '.join(contract.parameters)})"
    if contract.source_sha256:
        try:
            digest = source_digest(obj)
        except (OSError, TypeError):
            return f"the source of {contract.target} cannot be read"
        if digest not in contract.source_sha256:
            return f"{contract.target} changed (its code is not the one this hook was written against)"
    return None


def versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} missing")
    return ", ".join(found)


def installed(hook: str, contracts: tuple[Contract, ...]) -> bool:
    """Whether ``hook`` may go in; if not, say why once on stderr and remember it in STOOD_DOWN."""
    for contract in contracts:
        reason = broken(contract)
        if reason is not None:
            if hook not in STOOD_DOWN:
                STOOD_DOWN[hook] = reason
                print(
                    f"pipeline: warning: {hook} not installed: {reason} ({versions()}); "
                    "editions use the library's own code for it",
                    file=sys.stderr,
                )
            return False
    return True
