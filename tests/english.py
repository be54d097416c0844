"""Finds English on pages of the German UI: the English UI strings of the extension's
catalogue and of the dataset schema, common English words, and English date formats.

Data on the page (titles, user names, comments, codes) is no UI text: the caller names it and
it is left out, as is everything inside <code> (identifiers such as error codes and field
names) and <script>/<style>.
"""
import re
from pathlib import Path

import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "ckanext" / "governance" / "i18n" / "de" / "LC_MESSAGES" / "ckanext-governance.po"
SCHEMA = ROOT / "schemas" / "dataset.yaml"

# English words that are no German words; any of them on a German page is a missed string.
ENGLISH_WORDS = set("""
the and of is are were this that these those with from has have been will your you
which what when there their must should would could not for by to on at it its be or any
into only about after before please review reviews reviewed dataset datasets steward stewards
checks check submitted submit released release approved approve rejected reject changes
change requested request waiting wait licence license keywords publisher contact frequency
daily weekly monthly annually save draft publish update upload file files rows row errors
error field fields none unknown blocking running passed failed decision decisions comment
reasons queue organization organizations order show next previous add edit delete remove
required yes download audit trail pending public private version
since ago just now
""".split())

DATE_PATTERNS = [
    re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|"
               r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? "
               r"\d{1,2}, \d{4}"),
    re.compile(r"\b\d{1,2}:\d{2}(:\d{2})? ?(AM|PM)\b"),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
]
# Proper names that read the same in German.
PROPER_NAMES = ("Table Schema",)
# Attributes whose text people see or hear.
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-bs-title")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sd]|%[sd]")


def _catalogue_strings():
    """English msgids whose German translation differs, as fragments between placeholders."""
    strings = set()
    for message in read_po(PO.open("rb")):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in translations:
                continue
            strings.update(_fragments(msgid))
    return strings


def _schema_strings():
    strings = set()

    def walk(node):
        if isinstance(node, dict):
            if set(node) == {"en", "de"} and node["en"] != node["de"]:
                strings.update(_fragments(node["en"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(SCHEMA.read_text("utf-8")))
    return strings


def _fragments(text):
    """Parts of a UI string worth looking for: whole strings without placeholders, and runs
    of two or more words between placeholders."""
    parts = [part.strip(" :;,.()\"'") for part in _PLACEHOLDER.split(text)]
    if len(parts) == 1:
        return {parts[0]} if parts[0] else set()
    return {part for part in parts if len(re.findall(r"[A-Za-z]+", part)) >= 2}


UI_STRINGS = sorted(_catalogue_strings() | _schema_strings(), key=len, reverse=True)


def visible_text(html, data=()):
    """The text a reader of the page sees or hears, without `data` (content, not UI)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "code", "pre", "template"]):
        tag.decompose()
    pieces = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        # JSON in a placeholder is an example of code, not text.
        pieces += [tag[name] for name in VISIBLE_ATTRIBUTES
                   if tag.has_attr(name) and not tag[name].lstrip().startswith(("{", "["))]
        pieces += [value for name, value in tag.attrs.items()
                   if name.startswith("data-module-") and name.endswith(("-text", "-title",
                                                                          "-content"))]
    text = " ".join(pieces)
    for value in sorted((d for d in (*data, *PROPER_NAMES) if d), key=len, reverse=True):
        text = text.replace(value, " ")
    text = re.sub(r"\S*/\S*", " ", text)  # paths and URLs
    return re.sub(r"\s+", " ", text)


_LETTER = "A-Za-zÄÖÜäöüß"


def english_on(html, data=()):
    """What on the page is English (UI strings, English words, English date formats), each
    with the text around it."""
    text = visible_text(html, data)
    matches = []
    for string in UI_STRINGS:
        matches += re.finditer(f"(?<![{_LETTER}])" + re.escape(string) + f"(?![{_LETTER}])",
                               text)
    matches += [match for match in re.finditer(f"[{_LETTER}]+", text)
                if match.group(0).lower() in ENGLISH_WORDS]
    for pattern in DATE_PATTERNS:
        matches += pattern.finditer(text)
    return {f"{match.group(0)!r} in …{text[max(match.start() - 40, 0):match.end() + 40]}…"
            for match in matches}
