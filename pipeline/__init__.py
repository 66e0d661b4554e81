"""Translation and multilingual publishing pipeline for open letters."""

__version__ = "0.1.0"
