"""The answer's ``\\n`` markers -> newlines, with care for LaTeX commands and C string escapes."""

import re

# LaTeX commands that begin with "n": "\neq" in an answer is this command, not a newline + "eq".
# The ambiguous ones (a line could start with "u", "e", "i", "ot") count only inside math.
LATEX_N_COMMANDS = {
    "nabla", "neq", "neg", "nmid", "nleq", "ngeq", "nless", "ngtr", "notin", "nexists", "nsubseteq",
    "nsupseteq", "nsubset", "nsupset", "nparallel", "nrightarrow", "nleftarrow", "nRightarrow",
    "nLeftarrow", "nleftrightarrow", "nLeftrightarrow", "nsim", "ncong", "napprox", "nolimits",
    "nonumber", "newline", "natural", "nearrow", "nwarrow", "nvdash", "nvDash", "nprec", "nsucc",
}  # fmt: skip
LATEX_N_IN_MATH = {"nu", "ne", "ni", "not", "neq", "nabla", "neg", "nmid"}
LETTERS = re.compile(r"[A-Za-z]*")
# Where decode_answer may keep a marker: a code fence (escapes inside strings), or a marker followed by
# the rest of one of those commands. 98 answers in 100 have neither: all their markers are newlines.
COMMAND_TAILS = "|".join(sorted(re.escape(word[1:]) for word in LATEX_N_COMMANDS | LATEX_N_IN_MATH))
MARKER_MAY_STAY = re.compile(rf"```|~~~|\\n(?:{COMMAND_TAILS})(?![A-Za-z])")


def decode_answer(raw):
    r"""Turn the answer's ``\n`` markers into newlines, keeping LaTeX commands and C escapes.

    The upstream encoder wrote each newline as backslash + n without escaping backslashes, so a
    marker is ambiguous only where the original had a backslash before an "n": LaTeX commands
    (``\neq``, ``\nu`` in math) and escapes inside code strings (``printf("%d\n")``).
    """
    if not MARKER_MAY_STAY.search(raw):
        return raw.replace("\\n", "\n")  # every marker a newline: no code fence, no "n" command
    pieces = raw.split("\\n")
    out = [pieces[0]]
    state = _DecodeState()
    state.feed(pieces[0])
    for piece in pieces[1:]:
        if state.keeps_marker(piece):
            out.append("\\n")
            state.feed("\\n")
        else:
            out.append("\n")
            state.newline()
        out.append(piece)
        state.feed(piece)
    return "".join(out)


class _DecodeState:
    """Just enough Markdown state to decide what a marker means: code fence, math, string."""

    def __init__(self):
        self.line = ""
        self.in_fence = False
        self.in_display_math = False

    def feed(self, text):
        self.line += text

    def newline(self):
        stripped = self.line.strip()
        if stripped.startswith(("```", "~~~")):
            self.in_fence = not self.in_fence
        elif not self.in_fence:
            if stripped.count("$$") % 2 == 1:
                self.in_display_math = not self.in_display_math
            if "\\[" in stripped and "\\]" not in stripped:
                self.in_display_math = True
            elif "\\]" in stripped and "\\[" not in stripped:
                self.in_display_math = False
        self.line = ""

    def in_inline_math(self):
        line = self.line.replace("$$", "")
        return line.count("$") % 2 == 1 or line.rfind("\\(") > line.rfind("\\)")

    def keeps_marker(self, following):
        if self.in_fence:
            # Inside a string literal of code: an escape sequence, not a line break.
            return in_open_string(self.line)
        word = "n" + LETTERS.match(following).group()
        if word in LATEX_N_COMMANDS and not self.line.endswith("\\"):
            return True
        return word in LATEX_N_IN_MATH and (self.in_display_math or self.in_inline_math())


def in_open_string(code_line):
    """Whether a line of code ends inside a quoted string (comments and escapes considered)."""
    quote, escaped = None, False
    for index, char in enumerate(code_line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char == '"':
            quote = char
        elif char == "#" or code_line.startswith("//", index):
            return False
    return quote is not None
