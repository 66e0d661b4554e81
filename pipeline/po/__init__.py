"""Gettext catalogs: template and catalogs, strict reading, msgcat-exact writing, merging, locked saves."""
