"""YAML read as data: the safe loader only, and no alias that expands a small file into a huge value.

An alias (`*a`) shares its anchor's value, so nine nested lists of nine aliases each are a
few hundred bytes on disk and billions of items to anything that walks them (an error
message that prints the value, a check that iterates it).  `load_yaml` measures the value
as it would be walked (every alias counted at full size) before building it, and refuses
one larger than MAX_NODES.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

# PyYAML is imported on first use: with the rule-pack cache (engine/cache.py) and no config file,
# a run reads no YAML, and the import costs start-up about a hundredth of a second.
MAX_NODES = 100_000  # nodes after expanding aliases; the largest built-in rule file has a few hundred


class YamlTooLarge(ValueError):
    """The document's aliases expand beyond MAX_NODES nodes."""


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader; raise yaml.YAMLError or YamlTooLarge."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # the C loader where libyaml is built in
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded = _expanded_size(node, {})
        if expanded > MAX_NODES:
            raise YamlTooLarge(f"aliases expand it to more than {MAX_NODES} values")
        try:
            return loader.construct_document(node)
        except (ValueError, OverflowError) as exc:  # a date like 2024-13-01, an int of 5,000 digits
            raise yaml.constructor.ConstructorError(None, None, f"cannot read a value: {exc}", node.start_mark) from None
    finally:
        loader.dispose()


def load_named(text: str, source: str, error: type[Exception]) -> Any:
    """load_yaml, with every refusal raised as `error` naming `source` (and the line where known)."""
    import yaml

    try:
        return load_yaml(text)
    except YamlTooLarge as exc:
        raise error(f"{source}: refused: {exc}") from None
    except RecursionError:
        raise error(f"{source}: refused: nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise error(f"{source}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Nodes in the value with every alias expanded, computed once per distinct node."""
    import yaml

    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_NODES + 1  # a node reached again while being measured is a cycle: too large
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, sizes)
            if total > MAX_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += _expanded_size(key, sizes) + _expanded_size(value, sizes)
            if total > MAX_NODES:
                break
    sizes[id(node)] = total
    return total
