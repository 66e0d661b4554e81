"""Typesetting for every script: fonts through fontconfig, hyphenation, and the WeasyPrint hooks."""
