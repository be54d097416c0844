"""Builds the name gazetteers shipped in ckanext/governance/checks/privacy/data/.

    pip install gender-guesser==0.4.0 mimesis==22.2.0 Faker==40.28.1
    (cd /tmp && npm pack @faker-js/faker@10.6.0 && tar xzf faker-js-faker-10.6.0.tgz)
    python scripts/build_gazetteers.py /tmp/package

A quarter of @faker-js/faker's names (chosen by a hash of the name) is held out: those are
written to benchmarks/heldout_names.json and not taken from that source, so that the
benchmark corpus can measure how the lists do on names they were not built from.

Deterministic: the same package versions give the same files. Sources and their
licences are listed in data/README.md; the outputs are committed, so the
runtime needs none of these packages.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path

import faker
import gender_guesser
import mimesis

OUT = Path(__file__).resolve().parents[1] / "ckanext" / "governance" / "checks" / "privacy" / "data"

# nam_dict.txt columns (gender_guesser.detector.Detector.COUNTRIES), from column 30 on
NAM_DICT_COUNTRIES = """great_britain ireland usa italy malta portugal spain france
    belgium luxembourg the_netherlands east_frisia germany austria swiss iceland denmark
    norway sweden finland estonia latvia lithuania poland czech_republic slovakia hungary
    romania bulgaria bosniaand croatia kosovo macedonia montenegro serbia slovenia albania
    greece russia belarus moldova ukraine armenia azerbaijan georgia the_stans turkey arabia
    israel china india japan korea vietnam other_countries""".split()
# Where people living in German cities come from most (Destatis, Ausländerstatistik):
# the first names of these countries are taken when at least "common" (hex frequency >= 3).
NAM_DICT_KEEP = {
    "germany", "austria", "swiss", "east_frisia", "turkey", "poland", "russia", "ukraine",
    "belarus", "the_stans", "arabia", "italy", "greece", "croatia", "serbia", "bosniaand",
    "kosovo", "albania", "macedonia", "romania", "bulgaria", "hungary", "czech_republic",
    "spain", "portugal", "france", "the_netherlands", "great_britain", "usa", "vietnam",
}
NAM_DICT_MIN_FREQUENCY = 3

FAKER_LOCALES = [
    "de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "ru_RU", "uk_UA", "it_IT", "hr_HR", "ro_RO",
    "bg_BG", "el_GR", "cs_CZ", "hu_HU", "es_ES", "pt_PT", "fr_FR", "nl_NL", "en_US", "en_GB",
    "vi_VN", "fa_IR", "ar_AA", "sl_SI", "sk_SK",
]
MIMESIS_LOCALES = ["de", "de-at", "de-ch", "tr", "pl", "ru", "uk", "it", "el", "hr", "cs",
                   "hu", "es", "pt", "fr", "nl", "en", "kk", "az", "fa", "ar"]

# Common surnames of people from Arab countries, Afghanistan, Iran and Kurdistan in Latin
# spelling as German registers write them; the sources above only have Arabic/Persian script.
# Hand-made for this project (no third-party text), released with it.
HAND_SURNAMES = """Abbas Abdallah Abdullah Abdi Abdo Abed Abu Ahmad Ahmadi Ahmed Akbari Al-Ahmad
    Al-Ali Al-Hassan Al-Hussein Al-Khalil Al-Mohammad Al-Saleh Alizada Alizadeh Amini Ammar
    Asadi Atai Ayoub Azizi Barakat Bakr Darwish Daoud Dawood Ebrahimi Farah Farouk Ghanem
    Habib Haddad Hafez Hakimi Hamdan Hamid Hamoud Haidari Haider Hashemi Hashimi Hassan
    Hosseini Hussain Hussein Ibrahim Ismail Issa Jaber Jafari Jamal Karimi Kassem Khalaf
    Khalil Khan Khoury Mahmoud Mansour Mohamad Mohammad Mohammadi Mohammed Mousa Mustafa
    Nasser Nazari Noori Omar Osman Qasem Rahimi Rahman Rashid Rezaei Saad Sabri Saleh Salem
    Sayed Shah Sharif Sultani Taha Yousef Yousif Yusuf Zaher Zaidan Zaki Sido Murad Kurdi
    Ali Hamo Bilal Nouri Sheikho Kheder Hamada Sulaiman Suleiman Qadir Karim Rasul Mirza""".split()

# Function words, months and weekdays that some locales' lists contain (Vietnamese "Do",
# Dutch "van", German "von"): capitalised at the start of a sentence they would pass for names.
STOPWORDS = set("""aber alle als am an auch auf aus bei bis da das dass dem den der des die doch
    du durch ein eine einem einen einer er es für hat ich ihr im in ist ja kein man mit nach nicht
    noch nur oder sie sind so über um und uns von vom vor war was wenn wer wie wir wird zu zum zur
    the and for with from this that not but you are was his her its our out all any can may
    januar februar märz april mai juni juli august september oktober november dezember
    montag dienstag mittwoch donnerstag freitag samstag sonntag january february march june july
    october december monday tuesday wednesday thursday friday saturday sunday herr frau dr prof
    nr str tel""".split())

# Cyrillic and Greek spellings also appear as German registers transliterate them.
_CYRILLIC_DE = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch", "з": "s",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja", "і": "i",
    "ї": "ji", "є": "je", "ґ": "g",
}
_CYRILLIC_EN = {**_CYRILLIC_DE, "в": "v", "ж": "zh", "з": "z", "й": "y", "х": "kh", "ц": "ts",
                "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya", "ё": "yo", "є": "ye",
                "ї": "yi"}
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def spellings(name: str) -> set[str]:
    """The name as written, transliterated, and folded the way registers fold it."""
    name = name.strip()
    if not name:
        return set()
    lower = unicodedata.normalize("NFC", name).casefold()
    forms = {lower}
    if any("\u0400" <= ch <= "\u04ff" for ch in lower):
        for table in (_CYRILLIC_DE, _CYRILLIC_EN):
            forms.add("".join(table.get(ch, ch) for ch in lower))
    plain = _strip_accents(lower)
    if any("\u0370" <= ch <= "\u03ff" for ch in plain):
        forms.add("".join(_GREEK.get(ch, ch) for ch in plain))
    for form in list(forms):
        german = form.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
        forms.update({german, _strip_accents(form).replace("ß", "ss").replace("ı", "i").replace("ł", "l")})
    return {f for f in forms if len(f) >= 2 and all(ch.isalpha() or ch in "-'" for ch in f)}


def nam_dict_first_names() -> set[str]:
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "#=" or (len(line) > 29 and line[29] == "+"):
            continue
        frequencies = line[30:-1]
        keep = any(
            country in NAM_DICT_KEEP and ch.strip() and int(ch, 16) >= NAM_DICT_MIN_FREQUENCY
            for country, ch in zip(NAM_DICT_COUNTRIES, frequencies)
        )
        if keep:
            raw = line.split()[1]
            for variant in {raw.replace("+", ""), raw.replace("+", "-")}:
                names |= spellings(variant)
    return names


def faker_names() -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for locale in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            for name in _values(getattr(provider, attr, ())):
                first |= spellings(name)
        for attr in ("last_names", "last_names_male", "last_names_female"):
            for name in _values(getattr(provider, attr, ())):
                for part in name.replace("-", " ").split():
                    last |= spellings(part)
    return first, last


def _values(collection) -> list[str]:
    if isinstance(collection, dict):  # OrderedDict name -> weight
        return list(collection)
    return list(collection)


def mimesis_names() -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    root = Path(mimesis.__file__).parent / "datasets"
    for locale in MIMESIS_LOCALES:
        data = json.loads((root / locale / "person.json").read_text(encoding="utf-8"))
        for group in _flatten(data.get("names", [])):
            first |= spellings(group)
        for name in _flatten(data.get("surnames", [])):
            for part in name.replace("-", " ").split():
                last |= spellings(part)
    return first, last


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [item for inner in value.values() for item in _flatten(inner)]
    return list(value)


FAKER_JS_LOCALES = ["de", "tr", "pl", "ru", "uk", "it", "hr", "sr_RS_latin", "ro", "el", "fr", "es", "en"]
_DUMP_JS = """
const out = {};
for (const l of %s) {
  const def = (await import(process.argv[1] + `/dist/locale/${l}.js`)).faker.rawDefinitions.person;
  const flat = (v) => v == null ? [] : Array.isArray(v) ? v : Object.values(v).flat();
  out[l] = {first: flat(def.first_name), last: flat(def.last_name)};
}
console.log(JSON.stringify(out));
"""


def held_out(name: str) -> bool:
    return zlib.crc32(name.casefold().encode("utf-8")) % 4 == 0


def faker_js_names(package: Path) -> tuple[set[str], set[str], dict]:
    """(first names, surnames) of @faker-js/faker minus the held-out quarter, and that quarter."""
    script = _DUMP_JS % json.dumps(FAKER_JS_LOCALES)
    dump = subprocess.run(["node", "--input-type=module", "-e", script, str(package.resolve())],
                          check=True, capture_output=True, text=True).stdout
    first: set[str] = set()
    last: set[str] = set()
    heldout: dict = {}
    for locale, names in json.loads(dump).items():
        kept = {"first": [], "last": []}
        for kind, target in (("first", first), ("last", last)):
            for name in names[kind]:
                if not isinstance(name, str) or " " in name.strip():
                    continue
                if held_out(name):
                    kept[kind].append(name)
                else:
                    target |= spellings(name)
        heldout[locale] = {kind: sorted(set(values)) for kind, values in kept.items()}
    return first, last, heldout


def licence_plate_prefixes() -> list[str]:
    provider = importlib.import_module("faker.providers.automotive.de_DE").Provider
    return sorted(set(provider.license_plate_prefix))


def write(name: str, values) -> None:
    lines = sorted(set(values) - STOPWORDS)
    (OUT / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{name}: {len(lines)}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    faker_first, faker_last = faker_names()
    mimesis_first, mimesis_last = mimesis_names()
    js_first, js_last, heldout = faker_js_names(Path(sys.argv[1]))
    hand = set().union(*(spellings(name) for name in HAND_SURNAMES))
    write("first_names.txt", nam_dict_first_names() | faker_first | mimesis_first | js_first)
    write("surnames.txt", faker_last | mimesis_last | js_last | hand)
    bench = OUT.parents[4] / "benchmarks" / "heldout_names.json"
    bench.write_text(json.dumps(heldout, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    write("licence_plate_prefixes.txt", licence_plate_prefixes())
    print(f"built with faker {faker.VERSION}, mimesis {mimesis.__version__}, gender-guesser 0.4.0")


if __name__ == "__main__":
    main()
