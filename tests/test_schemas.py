"""The validator's schemas have their local $refs inlined: same errors, in the same order, as the schemas as written."""

import copy

import jsonschema
import pytest
from referencing import Registry, Resource

from docgen.schemas import _RECORD_ID, _is_yuan, get_kind, inline_refs, kinds, record_schema, validator
from tests.conftest import load_json
from tests.test_cases import BASES, _cases, _patched


def as_written(kind: str) -> jsonschema.Draft202012Validator:
    """The validator docgen built before inlining: the shipped schemas, $refs followed by jsonschema."""
    registry: Registry = Registry().with_resource(_RECORD_ID, Resource.from_contents(record_schema()))
    checker = jsonschema.FormatChecker(formats=("date",))
    checker.checks("yuan", raises=(ValueError,))(_is_yuan)
    return jsonschema.Draft202012Validator(get_kind(kind).schema, registry=registry, format_checker=checker)


def errors(checker: jsonschema.Draft202012Validator, data: dict) -> list[tuple]:
    """What docgen reads of each error (schema_path aside), in the order jsonschema yields them."""
    return [(e.validator, repr(e.validator_value), repr(e.instance), list(e.absolute_path),
             sorted(e.schema.get("properties", {}))) for e in checker.iter_errors(data)]


def _records():
    for case in _cases():
        data = case.values[0]
        base = BASES[data.get("base", "record")]
        yield pytest.param(_patched(load_json(base), data), id=case.id)


@pytest.mark.parametrize("data", list(_records()))
def test_inlined_schemas_report_exactly_what_the_written_ones_do(data):
    for kind in kinds():
        assert errors(validator(kind), data) == errors(as_written(kind), data)


def test_every_local_ref_of_the_shipped_schemas_is_inlined():
    def refs(node):
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for key, value in node.items():
                yield from (refs(value) if key != "$defs" else ())
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    assert list(refs(inline_refs(record_schema()))) == []
    assert {ref for kind in kinds() for ref in refs(inline_refs(get_kind(kind).schema))} == {_RECORD_ID}


DEFS = {"text": {"type": "string", "minLength": 1, "title": "文本"}, "tree": {"items": {"$ref": "#/$defs/tree"}}}


@pytest.mark.parametrize(("node", "expected"), [
    ({"title": "名称", "$ref": "#/$defs/text", "description": "d"},
     {"title": "名称", "type": "string", "minLength": 1, "description": "d"}),
    ({"type": "string", "$ref": "#/$defs/text"}, {"type": "string", "$ref": "#/$defs/text"}),  # type checked twice
    ({"$ref": "#/$defs/tree"}, {"items": {"$ref": "#/$defs/tree"}}),  # recursive: inlined once, then followed
    ({"$ref": "urn:other#/$defs/text"}, {"$ref": "urn:other#/$defs/text"}),
    ({"default": {"$ref": "#/$defs/text"}}, {"default": {"$ref": "#/$defs/text"}}),  # data, not a schema
], ids=["siblings kept in place", "conflict", "recursion", "other document", "not a subschema"])
def test_inline_refs(node, expected):
    schema = {"$defs": copy.deepcopy(DEFS), "properties": {"field": node}}
    assert list(inline_refs(schema)["properties"]["field"].items()) == list(expected.items())  # order too


@pytest.mark.parametrize("extra", [
    {"unevaluatedProperties": False},
    {"properties": {"a": {"$ref": "#/$defs/text"}, "b": {"$id": "urn:b"}}},
], ids=["unevaluated", "nested $id"])
def test_schemas_whose_refs_depend_on_where_they_sit_are_left_alone(extra):
    schema = {"$id": "urn:a", "$defs": {"text": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/text"}}}
    schema.update(extra)
    assert inline_refs(schema) is schema
