"""Values quoted in refusal messages, cut short at a cost that does not grow with the value."""

import reprlib

# Past this many bits an integer's decimal digits cost time (and past 4,300 digits Python refuses them).
_LONGEST_INTEGER_BITS = 256


def brief(value, limit=80):
    """``repr(value)``, cut to at most ``limit`` characters.

    A refusal quotes what a file holds, and a file may hold 256 KB of text or a list of 100,000 values:
    only the start of each is read, a few items of each list and mapping, a few levels deep.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _LONGEST_INTEGER_BITS:
        return f"<an integer of {value.bit_length():,} bits>"
    shortener = reprlib.Repr()
    shortener.maxlevel = 3
    shortener.maxstring = shortener.maxother = shortener.maxlong = limit
    for name in ("maxtuple", "maxlist", "maxarray", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
        setattr(shortener, name, 6)
    text = shortener.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
