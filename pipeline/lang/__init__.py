"""Language knowledge: codes, CLDR names and direction, typography, transliteration."""
