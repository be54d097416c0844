"""People and places without a language model: names from gazetteers, salutations and
titles, streets with house numbers, in a whole cell or inside free text."""

from __future__ import annotations

import re
from typing import FrozenSet, List, Optional

from .gazetteer import PUBLIC_NAMES, SALUTATIONS, STREET_PREFIX, STREET_SUFFIX, TITLES, fold, name_lists

# Lower-case particles inside names: "Ludwig van Beethoven", "Omar al-Hassan", "Anna von der Heide".
PARTICLES = frozenset("von van der den de di da del della du la le al el bin ibn zu vom ter ten".split())
_TOKEN = re.compile(r"[^\s,;:!?()\[\]\"„“”«»]+")
_STRIP = ".'’-"

_SUFFIXES = r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|pfad|steig|markt|graben|wall|anlage|promenade|stieg|twiete|kai|zeile)"
_HOUSE = r"[1-9][0-9]{0,3}(?:\s?[a-hA-H])?(?:\s?[-/]\s?[1-9][0-9]{0,3}[a-h]?)?"
# "Mainzer Straße 12", "Gutenbergplatz 5a", "Konrad-Adenauer-Str. 3", "Am Rathaus 1", "An der Kirche 3"
# Bounded repetitions: a hostile cell of one long word must not make the search quadratic.
STREET_WITH_NUMBER = re.compile(
    r"(?<![\w-])(?:"
    r"(?:[A-ZÄÖÜ][\w'-]{0,40}[ -])?[A-ZÄÖÜ][\w'-]{0,40}?" + _SUFFIXES + r"|"
    r"(?:[A-ZÄÖÜ][\w'-]{0,40}[ -])?(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Chaussee)|"
    r"(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den|Hinter der|Vor dem)\s[A-ZÄÖÜ][\w'-]{1,40}"
    r")\s{1,2}" + _HOUSE + r"(?![\w,.]?[0-9])",
    re.UNICODE,
)
# Endings of surnames across the languages spoken in German cities; a capitalised word with
# one of them after a known first name is a surname even when no list has it.
SURNAME_ENDING = re.compile(
    r"\w{2,}(?:ski|ska|cki|cka|wicz|czyk|czak|ak|ek|ić|ic|vić|vic|ović|ovic|enko|chuk|czuk|yuk|uk|"
    r"ov|ova|ow|owa|ev|eva|ew|ewa|in|ina|oğlu|oglu|mann|ini|elli|etti|otti|ucci|ano|esi|escu|eanu|"
    r"idis|akis|poulos|opoulos|aj|ay|er|ler|tz|dt)$"
)
# Words that make a short capitalised phrase an institution or a business, not a person.
NOT_PERSON_WORDS = frozenset(fold(w) for w in """
    Museum Schule Grundschule Gymnasium Realschule Gesamtschule Hochschule Universität Bibliothek
    Stadtbibliothek Amt Stadt Haus Zentrum Kirche Dom Kapelle Park Halle Bad Sankt St Kita Kindergarten
    GmbH AG KG OHG UG eV e.V. Verein Stiftung Club Klub Hotel Restaurant Gasthaus Apotheke Praxis
    Klinik Klinikum Kanzlei Bäckerei Metzgerei Autohaus Salon Friseur Café Cafe Bar Markt Center
    Brücke Tor Turm Brunnen Denkmal Hof Garten Theater Staatstheater Stadion Arena Bahnhof Hafen
    Institut Akademie Verlag Werk Werke Bank Sparkasse Versicherung Gruppe Team Projekt Festival
    Straße Strasse Platz Weg Allee Gasse Ring Ufer Mainz Wiesbaden Frankfurt Berlin
""".split())


class NameFinder:
    """Finds person names with the shipped gazetteers, salutations and titles."""

    def __init__(self, extra_first=(), extra_surnames=(), allow_names: FrozenSet[str] = frozenset()):
        self.first, self.last = name_lists(tuple(extra_first), tuple(extra_surnames))
        self.public = PUBLIC_NAMES | frozenset(fold(name) for name in allow_names)

    def _is_first(self, token: str) -> bool:
        return fold(token.strip(_STRIP)) in self.first

    def _is_last(self, token: str) -> bool:
        folded = fold(token.strip(_STRIP))
        if folded in self.last:
            return True
        # double names "Müller-Lüdenscheidt", Arabic "Al-Hassan"
        parts = [p for p in folded.split("-") if p]
        return len(parts) > 1 and all(p in self.last or p in PARTICLES or p in self.first for p in parts) and any(p in self.last for p in parts)

    @staticmethod
    def _capitalised(token: str) -> bool:
        word = token.strip(_STRIP)
        return len(word) >= 2 and word[0].isupper() and word.replace("-", "").replace("'", "").isalpha()

    def cell(self, value: str) -> Optional[str]:
        """What a short cell is: "full" (a person's name), "probable" (one part known, the
        rest shaped like a name), "first", "last", "public" or None."""
        tokens = _TOKEN.findall(value)
        if not tokens or len(tokens) > 6:
            return None
        if fold(value.strip()) in self.public:
            return "public"
        salutation = title = False
        words: List[str] = []
        for token in tokens:
            folded = fold(token)
            if not words and folded in SALUTATIONS:
                salutation = True
            elif folded in TITLES or folded.rstrip(".") + "." in TITLES:
                title = True
            elif folded in PARTICLES:
                continue
            elif self._capitalised(token) and not STREET_SUFFIX.search(token.strip(".")):
                words.append(token)
            else:
                return None  # digits, lower-case words, streets: not a bare name
        if not words:
            return None
        if self._public_pair(words):
            return "public"
        folded = {fold(w.strip(_STRIP)) for w in words}
        if folded & NOT_PERSON_WORDS:
            return None
        first = [self._is_first(w) for w in words]
        last = [self._is_last(w) for w in words]
        if salutation:
            return "full"
        if len(words) == 1:
            if title and last[0]:
                return "full"
            return "first" if first[0] else "last" if last[0] else None
        if any(f and any(l for j, l in enumerate(last) if j != i) for i, f in enumerate(first)):
            return "full"
        if title and any(last):
            return "full"
        if len(words) <= 4 and (any(first) or any(last)) and not folded & self.public:
            return "probable"
        return None

    def _public_pair(self, words: List[str]) -> bool:
        folded = [fold(w.strip(_STRIP)) for w in words]
        return " ".join(folded) in self.public or (len(folded) >= 2 and f"{folded[0]} {folded[-1]}" in self.public)

    def in_text(self, value: str) -> bool:
        """Whether free text names a person: "Herr Yılmaz rief an", "Anruf von Anna Schmidt"."""
        tokens = _TOKEN.findall(value)
        for index, token in enumerate(tokens[:-1]):
            folded = fold(token)
            following = tokens[index + 1]
            if folded in SALUTATIONS and token[0].isupper():
                rest = index + 1
                while rest < len(tokens) - 1 and fold(tokens[rest]) in TITLES:
                    rest += 1
                after = fold(tokens[rest])
                if self._capitalised(tokens[rest]) and after not in STREET_PREFIX and after not in SALUTATIONS:
                    return True
            elif folded in TITLES and self._capitalised(following) and self._is_last(following):
                return True
            elif self._capitalised(token) and self._is_first(token):
                nxt = following.rstrip(".,;:")
                surname = self._is_last(nxt) or (SURNAME_ENDING.fullmatch(nxt) is not None and fold(nxt) not in NOT_PERSON_WORDS)
                if self._capitalised(nxt) and surname and not STREET_SUFFIX.search(nxt):
                    after = tokens[index + 2] if index + 2 < len(tokens) else ""
                    if not STREET_SUFFIX.search(after.rstrip(".,")) and not self._public_pair([token, nxt]):
                        return True
        return False


def has_street_address(value: str) -> bool:
    return STREET_WITH_NUMBER.search(value) is not None
