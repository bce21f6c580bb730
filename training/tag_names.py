"""Tag spellings as the CLI and the bot read them, so that a model trains under the names users can type.

normalize_tag mirrors src/tags/vocabulary.ts normalizeTag exactly: NFKC, lower case, every run of
whitespace (JavaScript's \\s), underscores, hyphens or U+2010 becomes one "_", and leading or
trailing "_" go. tests in training/tests/test_own_data.py pin the cases the two could disagree on
("Blonde Hair", full-width letters, a no-break space, U+FEFF). split_tags reads one tags.csv cell:
separated by the CLI's separators (src/tags/parse.ts: , 、 ， ; ； newline) when it has any, so
that "long hair, smile" is two tags; else by whitespace, as Danbooru lists are ("long_hair smile").
"""
import re
import unicodedata

# JavaScript's \s under the u flag (ECMAScript WhiteSpace and LineTerminator); Python's \s differs
# (it has U+001C–U+001F and lacks U+FEFF), so the class is spelt out.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SEPARATOR_RUN = re.compile(f"[{_JS_SPACE}_\\-\u2010]+")
_CLI_SEPARATORS = re.compile("[,、，;；\n]+")


def normalize_tag(text: str) -> str:
    """The key src/tags/vocabulary.ts normalizeTag gives `text`: "Blonde Hair" → "blonde_hair"."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SEPARATOR_RUN.sub("_", folded).strip("_")


def split_tags(cell: str):
    """One tags.csv cell → raw tag spellings (not yet normalised; empty pieces dropped)."""
    pieces = _CLI_SEPARATORS.split(cell) if _CLI_SEPARATORS.search(cell) else cell.split()
    return [p for p in pieces if normalize_tag(p)]
