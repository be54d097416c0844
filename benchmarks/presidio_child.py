"""presidio-analyzer's pattern recognizers over the corpus cells; run by benchmarks/privacy.py
with the Python of a virtualenv that has benchmarks/requirements-presidio.txt.

    python benchmarks/presidio_child.py CORPUS_DIR [MAX_ROWS]   # prints one JSON object

Every recognizer that needs no trained model (the generic ones and all German ones) on a
blank spaCy pipeline, since no spaCy model can be downloaded here.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer import predefined_recognizers as pr
from presidio_analyzer.nlp_engine import SpacyNlpEngine

GENERIC = ["EmailRecognizer", "PhoneRecognizer", "IbanRecognizer", "CreditCardRecognizer", "IpRecognizer",
           "DateRecognizer", "UrlRecognizer", "MacAddressRecognizer", "CryptoRecognizer"]


class BlankSpacyEngine(SpacyNlpEngine):
    """spaCy with no trained model: tokens only, no named entities."""

    def load(self) -> None:
        self.nlp = {"de": spacy.blank("de")}


def analyzer() -> AnalyzerEngine:
    registry = RecognizerRegistry(supported_languages=["de"])
    for name in GENERIC:
        cls = getattr(pr, name)
        kwargs = {"supported_language": "de"}
        if name == "PhoneRecognizer":
            kwargs["supported_regions"] = ("DE", "US", "UK", "TR", "PL")
        registry.add_recognizer(cls(**kwargs))
    for name in dir(pr):
        if name.startswith("De") and name.endswith("Recognizer"):
            registry.add_recognizer(getattr(pr, name)())
    engine = BlankSpacyEngine(models=[{"lang_code": "de", "model_name": "blank"}])
    engine.load()
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["de"])


def main() -> None:
    corpus = Path(sys.argv[1])
    max_rows = int(sys.argv[2]) if len(sys.argv) > 2 else None
    engine = analyzer()
    # warm-up outside the clock: tldextract (e-mail and URL recognizers) first tries to fetch the
    # public suffix list, fails offline and falls back to its bundled snapshot
    engine.analyze(text="kontakt@example.org https://example.org", language="de")
    hits: dict = {}
    cells = 0
    seconds = cpu = 0.0
    for path in sorted(corpus.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], rows[1:][:max_rows]
        for index, column in enumerate(header):
            counts: dict = {}
            values = [row[index] for row in body if row[index].strip()]
            started, started_cpu = time.perf_counter(), time.process_time()
            for value in values:
                for entity in {r.entity_type for r in engine.analyze(text=value, language="de")}:
                    counts[entity] = counts.get(entity, 0) + 1
            seconds += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            cells += len(values)
            words = sum(len(v.split()) for v in values) / max(len(values), 1)
            hits.setdefault(path.name, {})[column] = {"cells": len(values), "words": words, "entities": counts}
    recognizers = sorted({type(r).__name__ for r in engine.registry.recognizers})
    print(json.dumps({"cells": cells, "seconds": seconds, "cpu_seconds": cpu, "hits": hits, "recognizers": recognizers}))


if __name__ == "__main__":
    main()
