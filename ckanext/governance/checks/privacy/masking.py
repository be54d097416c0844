"""Masked examples: enough shape for a steward to see what was found, never the value."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _mask_word(word: str, keep: int) -> str:
    return word[:keep] + "•" * max(len(word) - keep, 1)


def mask(value: str, kind: str = "") -> str:
    """Keep the shape and a first letter of each word; digits become •, except the last two
    of long numbers (as bank statements show them). E-mail: first letter and top-level domain."""
    text = value.strip()
    if kind == "pii.email" and "@" in text:
        local, _, domain = text.rpartition("@")
        top = domain.rsplit(".", 1)[-1]
        return f"{_mask_word(local, 1)}@{'•' * 3}.{top}"
    digits = sum(ch.isdigit() for ch in text)
    keep_tail = 2 if digits >= 8 else 0
    seen_digits = 0
    result = []
    position = 0
    for match in _WORD.finditer(text):
        result.append(text[position : match.start()])
        word = match.group()
        if word.isdigit():
            masked = ""
            for ch in word:
                seen_digits += 1
                masked += ch if seen_digits > digits - keep_tail else "•"
            result.append(masked)
        elif any(ch.isdigit() for ch in word):  # codes like DE89... keep two letters of country
            masked = ""
            for index, ch in enumerate(word):
                if ch.isdigit():
                    seen_digits += 1
                    masked += ch if seen_digits > digits - keep_tail else "•"
                else:
                    masked += ch if index < 2 and kind in ("pii.iban", "pii.vat_id") else "•"
            result.append(masked)
        else:
            result.append(_mask_word(word, 1))
        position = match.end()
    result.append(text[position:])
    masked = "".join(result)
    return masked[:60] + ("…" if len(masked) > 60 else "")
