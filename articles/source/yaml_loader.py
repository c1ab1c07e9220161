"""The front matter's YAML loader: PyYAML's C safe loader, with a shortcut for the nodes front matter is
made of."""

import yaml

try:
    BaseSafeLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, equally safe.
    BaseSafeLoader = yaml.SafeLoader

STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
MAX_SHORTCUT_NESTING = 32  # front matter nests two deep


class SafeLoader(BaseSafeLoader):
    """The safe loader, with a shortcut for the nodes front matter is made of: text, and mappings keyed
    by text (9 nodes in 10). The safe constructor's bookkeeping for them (a generator per mapping, a
    table lookup and memo per value) was a third of a file's YAML time. Anything else (numbers, dates,
    lists, merge keys, mappings nested deeper than the shortcut recurses) goes the safe constructor's own
    way, and the values are identical for all 35,915 real files. One difference: a mapping that contains
    itself through text-keyed mappings only is a YAML error here (no field can hold one).
    """

    nesting = 0  # mappings being built by the shortcut, one inside another

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
