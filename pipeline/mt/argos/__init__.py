"""Argos Translate: the models, their packages on disk, and a local LibreTranslate serving them."""
