"""The front matter's YAML loader: PyYAML's C safe loader, bounded, with a shortcut for the nodes front
matter is made of.

Every YAML text the project reads goes through it (front matter, the exporter's own checks, the redirects
file), so the bounds hold everywhere: collections nested at most MAX_NESTING deep, and aliases that repeat
at most MAX_ALIAS_REPEATS values and characters. Past either, loading raises LoaderLimit, a YAML error.
"""

import re

import yaml

try:
    BaseSafeLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, equally safe.
    BaseSafeLoader = yaml.SafeLoader

STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
MAX_SHORTCUT_NESTING = 32  # front matter nests two deep
# Front matter nests three deep. PyYAML's C composer recurses once per level of the node tree, and past
# some 25,000 levels (a 25 KB line of "[" or "- ") the stack overflows: a segmentation fault, no exception.
MAX_NESTING = 64
# No real file has an alias. An alias is one shared object, so a ten-level "billion laughs" builds at once,
# yet it stands for 10**9 values: formatted in a refusal or compared by the exporter, it took minutes and
# then all memory. Text counts too: a list of aliases of one long text writes each copy out on export.
MAX_ALIAS_REPEATS = 10_000

# YAML's line breaks, and nothing else (a form feed is no break to it).
_RARE_LINE_BREAKS = "\r\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"\r\n|[{_RARE_LINE_BREAKS}]")
# A key with a block scalar ("answer: >-") and its text: the lines below it indented as far as the first
# (YAML's rule), and blank lines. Brackets and asterisks there are Markdown and TeX, not YAML. Searched for
# in the text with a line break put before it: led by one, the search skips from break to break.
_BLOCK_SCALAR = re.compile(
    r"""
    \n(?P<key>\ *)[A-Za-z0-9_-]+[ \t]*:[ \t]+[|>][1-9+-]{0,2}[ \t]*(?=\n)
    (?:\n[ \t]*(?=\n))*
    \n(?P<text>(?P=key)\ +).*
    (?:\n(?:(?P=text).*|[ \t]*(?=\n|\Z)))*
    """,
    re.VERBOSE,
)
# Flow collections nest without indentation; quoted text may span lines and hide what is in them.
_MAY_NEST = re.compile(r"[\[{\"']")
_MAY_NEST_OR_ALIAS = re.compile(r"[\[{\"'&*]")
# A run of indentation and block indicators ("- ", "? ", ": ") as long as a line's that could start a
# node deeper than MAX_NESTING.
_WIDE_INDENT = re.compile(rf"\n[ \t?:-]{{{(MAX_NESTING - 2) // 2}}}")
_OPENING_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class LoaderLimit(yaml.MarkedYAMLError):
    """YAML this loader does not build: nested too deep, or aliases that repeat too much."""


class SafeLoader(BaseSafeLoader):
    """The safe loader, bounded (see the module), with a shortcut for the nodes front matter is made of:
    text, and mappings keyed by text (9 nodes in 10). The safe constructor's bookkeeping for them (a
    generator per mapping, a table lookup and memo per value) was a third of a file's YAML time. Anything
    else (numbers, dates, lists, merge keys, mappings nested deeper than the shortcut recurses) goes the
    safe constructor's own way, and the values are identical for all 35,915 real files. One difference: a
    value that contains itself is a YAML error here (no field can hold one).
    """

    nesting = 0  # mappings being built by the shortcut, one inside another

    def __init__(self, stream):
        if hasattr(stream, "read"):
            stream = stream.read()
        may_nest, self.may_alias = scan(stream) if isinstance(stream, str) else (True, True)
        if may_nest:
            check_nesting(stream)
        super().__init__(stream)

    def construct_document(self, node):
        if self.may_alias:
            check_aliases(node)
        return super().construct_document(node)

    def construct_object(self, node, deep=False):
        if node.tag == STR_TAG and type(node) is yaml.ScalarNode:
            return node.value
        if (
            node.tag == MAP_TAG
            and type(node) is yaml.MappingNode
            # Deeper, the safe constructor's deferred building, which needs no recursion.
            and self.nesting < MAX_SHORTCUT_NESTING
            and node not in self.constructed_objects  # an alias of a mapping built already
            and node not in self.recursive_objects  # a mapping inside itself
            and all(key.tag == STR_TAG and type(key) is yaml.ScalarNode for key, _ in node.value)
        ):
            self.recursive_objects[node] = None
            self.nesting += 1
            try:
                data = {key.value: self.construct_object(value, deep) for key, value in node.value}
            finally:
                self.nesting -= 1
            del self.recursive_objects[node]
            self.constructed_objects[node] = data
            return data
        return super().construct_object(node, deep)


def scan(text):
    """(whether ``text`` may nest deeper than MAX_NESTING, whether it may hold an alias), from a look
    that is cheap beside parsing and errs only towards True.

    Block collections nest by indentation: a node that starts at column c is at most 2c + 2 deep (a
    sequence may share its key's column, its items may not), so lines that start within MAX_NESTING / 2
    columns are shallow. Flow collections and quoted text send the text to check_nesting. The text of a
    block scalar is left out.
    """
    if any(line_break in text for line_break in _RARE_LINE_BREAKS):  # a search for each: faster than one
        text = _LINE_BREAK.sub("\n", text)
    rest = _BLOCK_SCALAR.sub("", "\n" + text)
    if _WIDE_INDENT.search(rest):
        return True, True
    found = _MAY_NEST_OR_ALIAS.search(rest)
    if found is None:
        return False, False
    if found.group() in "&*":
        return _MAY_NEST.search(rest, found.end()) is not None, True
    return True, True


def check_nesting(stream):
    """Raise LoaderLimit where the collections of ``stream`` (text or bytes) nest deeper than MAX_NESTING.

    The parser's events are counted: the parser keeps its own stack, only the composer recurses. A
    stream the parser rejects first is left for the load to report.
    """
    parser = BaseSafeLoader(stream)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, _OPENING_EVENTS):
                depth += 1
                if depth > MAX_NESTING:
                    break
            elif isinstance(event, _CLOSING_EVENTS):
                depth -= 1
        else:
            return
    except yaml.YAMLError:
        return
    finally:
        parser.dispose()
    problem = f"lists and mappings nest more than {MAX_NESTING} levels deep"
    raise LoaderLimit(problem=problem, problem_mark=event.start_mark)


def check_aliases(root):
    """Raise LoaderLimit when the aliases under the node ``root`` repeat more than MAX_ALIAS_REPEATS values
    and characters of text, or a value contains itself.

    A node's size is 1, plus its text's length for a scalar, plus its children's sizes; each node's size
    is found once (a walk with its own stack: no recursion), so a billion laughs costs its hundred nodes.
    """
    sizes = {}  # node -> its size, aliases expanded
    open_nodes = set()  # nodes whose children are being sized: met again, a node inside itself
    stack = [(root, False)]
    while stack:
        node, children_sized = stack.pop()
        children = _children(node)
        if children_sized:
            open_nodes.discard(node)
            sizes[node] = _own_size(node) + sum(sizes[child] for child in children)
        elif node in open_nodes:
            raise LoaderLimit(
                problem="found a recursive alias: a value inside itself", problem_mark=node.start_mark
            )
        elif node not in sizes:
            open_nodes.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in children if child not in sizes)
    repeats = sizes[root] - sum(map(_own_size, sizes))
    if repeats > MAX_ALIAS_REPEATS:
        # Pointed at: the innermost value over the limit on its own (a billion laughs' fifth level).
        node = root
        while over := next((child for child in _children(node) if sizes[child] > MAX_ALIAS_REPEATS), None):
            node = over
        problem = f"aliases repeat {repeats:,} values and characters of text, over the limit of {MAX_ALIAS_REPEATS:,}"
        raise LoaderLimit(problem=problem, problem_mark=node.start_mark)


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return ()


def _own_size(node):
    return 1 + len(node.value) if isinstance(node, yaml.ScalarNode) else 1
