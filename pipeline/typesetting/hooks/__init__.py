"""The only code that touches WeasyPrint, pydyf or Pyphen internals (README.md here lists each name).

Every hook passes ``gate.installed`` first: when the installed library is no longer
what a hook was written against, the hook stands down with one warning line and
the library's own code runs. Each acts only inside its switch (``switch.py``),
entered by ``typeset.typesetting()`` around the pipeline's own renders.
"""
