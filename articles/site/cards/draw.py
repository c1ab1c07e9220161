"""A social card drawn with Pillow: 1200x630 PNG, the site's colours and the brand, a subject, a title.

The title (an article's question, a subject's name) is set as large as fits: from 76 px down to 40 px,
wrapped by words, at most five lines; only a title that does not fit even then is cut, with an
ellipsis. Inter (OFL, with its Latin, Latin Extended and Greek in one file: fonts/inter-OFL.txt) sets
the text; a character Inter lacks comes from the site's math font, STIX Two Math (√, ∑), or failing
that from its compatibility form (⅗ -> 3⁄5). The PNG has a palette of the card's own colours: flat
colours and anti-aliased text need few, and the file stays far under 100 KB.
"""

import functools
import unicodedata
from io import BytesIO
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageColor, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
FONTS = Path(__file__).resolve().parent / "fonts"
BOLD = FONTS / "inter-bold.woff2"
MEDIUM = FONTS / "inter-medium.woff2"
FALLBACK = Path(settings.BASE_DIR) / "static" / "fonts" / "stix-two-math.woff2"
LOGO = Path(settings.BASE_DIR) / "static" / "img" / "logo.png"
# The site's light theme (static/css/site.css).
BACKGROUND = "#fbfaf7"
TEXT = "#1d1f23"
MUTED = "#555b65"
ACCENT = "#24519c"
ACCENT_STRONG = "#173a73"
ACCENT_SOFT = "#e8eef9"
BORDER = "#e2ded5"
TITLE_SIZES = range(76, 39, -2)
TITLE_LINES = 5
TITLE_TOP, TITLE_BOTTOM = 218, 540
MISSING = "\U0010fffd"  # a private-use character no font draws: its box is the "missing" mark


def draw_card(title, subject, site_name, host):
    """PNG bytes of a card: ``title`` large, ``subject`` as a label (may be empty), the site below."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, 0, 15, HEIGHT), fill=ACCENT)
    image.paste(logo(), (MARGIN, 64), logo())
    write(canvas, (MARGIN + 80, 71), site_name, font(BOLD, 40), TEXT)
    if subject:
        pill(canvas, (MARGIN, 150), subject)
    size, lines = fit_title(title)
    line_height = round(size * 1.22)
    # Centred in the space between the label and the footer, a little above the middle.
    top = TITLE_TOP + max(0, (TITLE_BOTTOM - TITLE_TOP - line_height * len(lines)) * 2 // 5)
    for number, line in enumerate(lines):
        write(canvas, (MARGIN, top + number * line_height), line, font(BOLD, size), TEXT)
    canvas.line((MARGIN, 562, WIDTH - MARGIN, 562), fill=BORDER, width=2)
    write(canvas, (MARGIN, 578), host, font(MEDIUM, 26), MUTED)
    return png(image)


def pill(canvas, origin, text):
    face = font(MEDIUM, 28)
    text = cut(text, face, WIDTH - 2 * MARGIN - 40)
    x, y = origin
    width = measure(text, face)
    canvas.rounded_rectangle((x, y, x + width + 40, y + 48), radius=24, fill=ACCENT_SOFT)
    write(canvas, (x + 20, y + 8), text, face, ACCENT_STRONG)


def fit_title(title):
    """(font size, lines): the largest size at which the title fits; cut at the smallest if need be."""
    title = " ".join(title.split())
    for size in TITLE_SIZES:
        face = font(BOLD, size)
        lines = wrap(title, face, WIDTH - 2 * MARGIN)
        if len(lines) <= TITLE_LINES and round(size * 1.22) * len(lines) <= TITLE_BOTTOM - TITLE_TOP:
            return size, lines
    lines = wrap(title, face, WIDTH - 2 * MARGIN)
    kept = lines[: TITLE_LINES - 1]
    rest = " ".join(lines[TITLE_LINES - 1 :])
    return size, [*kept, cut(rest, face, WIDTH - 2 * MARGIN, always=True)]


def wrap(text, face, width):
    """Lines of whole words no wider than ``width``; a word wider than a line is broken where it must."""
    space = measure(" ", face)
    lines, line, line_width = [], [], 0.0
    for word in text.split(" "):
        word_width = measure(word, face)
        if line and line_width + space + word_width <= width:
            line.append(word)
            line_width += space + word_width
            continue
        if line:
            lines.append(" ".join(line))
        while word_width > width:
            head = cut(word, face, width, mark="")
            lines.append(head)
            word = word[len(head) :]
            word_width = measure(word, face)
        line, line_width = [word], word_width
    return [*lines, " ".join(line)] if line else lines


def cut(text, face, width, always=False, mark="…"):
    """``text`` shortened to fit ``width`` with ``mark`` after it (or as it is, if it fits and not always)."""
    if not always and measure(text, face) <= width:
        return text
    while text and measure(text.rstrip() + mark, face) > width:
        text = text[:-1]
    return text.rstrip() + mark if text else mark


# -- Text in two fonts ---------------------------------------------------------------------------------


def runs(text, face):
    """(text, font) runs: Inter where it has the character, else the fallback font at the same size."""
    primary, fallback = face, font(FALLBACK, face.size)
    found = []
    for char in usable(text):
        chosen = primary if has_glyph(face.path, char) else fallback
        if found and found[-1][1] is chosen:
            found[-1][0].append(char)
        else:
            found.append(([char], chosen))
    return [("".join(chars), chosen) for chars, chosen in found]


def usable(text):
    """``text`` with each character neither font has replaced by its compatibility form, or dropped."""
    out = []
    for char in text:
        if has_glyph(str(BOLD), char) or has_glyph(str(FALLBACK), char):
            out.append(char)
        else:
            out.extend(c for c in unicodedata.normalize("NFKC", char) if has_glyph(str(BOLD), c))
    return "".join(out)


@functools.lru_cache(maxsize=65536)
def measure(text, face):
    """Width of ``text`` in px. Memoised: wrapping tries each word at several sizes, across many cards."""
    return sum(run_font.getlength(run) for run, run_font in runs(text, face))


def write(canvas, origin, text, face, colour):
    x, y = origin
    for run, run_font in runs(text, face):
        canvas.text((x, y), run, font=run_font, fill=colour)
        x += run_font.getlength(run)


@functools.cache
def font(path, size):
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=4096)
def has_glyph(path, char):
    """Whether the font at ``path`` draws ``char`` (FreeType draws the missing box otherwise)."""
    face = font(path, 40)
    return bytes(face.getmask(char)) != bytes(face.getmask(MISSING))


@functools.cache
def logo():
    return Image.open(LOGO).convert("RGBA").resize((64, 64), Image.Resampling.LANCZOS)


def png(image):
    buffer = BytesIO()
    # Mapped onto a palette fixed in advance (1 ms; an adaptive one took 7-60 ms a card), saved at
    # zlib level 3 (2 ms for a file a fifth larger than at level 9, which took 70 ms).
    image.quantize(palette=palette(), dither=Image.Dither.NONE).save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()


@functools.cache
def palette():
    """Every colour a card has: each pair of colours drawn one on the other, and the steps between them
    that anti-aliased edges take."""
    pairs = [
        (BACKGROUND, TEXT, 64),
        (BACKGROUND, ACCENT, 32),
        (ACCENT, "#ffffff", 32),
        (ACCENT_SOFT, ACCENT_STRONG, 48),
        (BACKGROUND, MUTED, 32),
        (BACKGROUND, ACCENT_SOFT, 16),
        (BACKGROUND, BORDER, 8),
    ]
    colours = []
    for start, end, steps in pairs:
        a, b = ImageColor.getrgb(start), ImageColor.getrgb(end)
        for step in range(steps):
            t = step / (steps - 1)
            colours.extend(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    image = Image.new("P", (1, 1))
    image.putpalette(colours[: 256 * 3])
    return image
