"""The only code that touches WeasyPrint, pydyf or Pyphen internals (see README.md here)."""
