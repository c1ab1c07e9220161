"""What both pipelines write alike: which links are safe, and the wrapper that lets a table scroll."""

import re

SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def validate_link(url: str) -> bool:
    """Allow relative links and the safe schemes only; anything else stays literal text."""
    match = _SCHEME.match(url)
    return match is None or match.group(1).lower() in SAFE_SCHEMES


TABLE_OPEN = '<div class="table-wrap" tabindex="0"><table>\n'
TABLE_CLOSE = "</table></div>\n"
