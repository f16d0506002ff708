"""SQL planned from the GraphQL selection: a report, or a page of reports, answered by one statement.

For the common shapes — a report with its agency, region, source, §3 table, §4 and consistency counts, or a
page of such reports — the selection is turned into one statement whose result is the JSON of the
response itself (``json_build_object`` per object, in the query's order and under its aliases), the way
PostGraphile and Hasura answer. Python then neither builds objects nor completes fields: the executor puts
the JSON into the response as it is (:class:`Planned`, ``orjson.Fragment``). The statement text depends
only on the selection's shape, so it is built once per shape and process, and PostgreSQL prepares it once
per connection.

A field is planned when it reads stored columns as they are (an attribute of the type named like a column,
serialised by PostgreSQL exactly as by the scalar: integers, text, booleans, dates, UTC timestamps, enums
whose names are their values) or is one of the composite fields below. Anything else in the selection —
arguments below the root field, directives, a field with a resolver not listed here, a union — leaves the
whole field to the resolvers and their DataLoaders, which give the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from api.types.applications import ALL_ROW_KEYS, row_label
from db import models
from loaders.canonical import APPLICANT_COLUMNS, APPLICATION_ROWS, REVIEW_GROUPS, REVIEW_RESULTS

# Scalars PostgreSQL's to_json writes as the GraphQL scalar serialises them (dates ISO, timestamps in the
# read pool's UTC, the §3/§4 BigInt as a JSON number, a template as its text).
_SCALARS = frozenset({"Int", "String", "Boolean", "ID", "BigInt", "Date", "DateTime", "Template"})
_MAX_PAIRS = 50  # json_build_object takes at most 100 arguments
_TABLES = {
    "Report": models.Report.__table__,
    "Agency": models.Agency.__table__,
    "Region": models.Region.__table__,
    "ApplicationRow": models.ApplicationOutcome.__table__,
    "ReviewCounts": models.ReviewLitigation.__table__,
}
_OTHER_TEMPLATE = "*"  # the §3 rows of a template the API does not know: every row key, 2021's labels


class Planned:
    """A field's whole response, made by the database: the executor inserts it without completing it."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


@dataclass(frozen=True, slots=True)
class Selected:
    """One response key of a selection: the field it asks for and, for an object, what it selects of it."""

    key: str
    name: str
    fields: tuple[Selected, ...] | None


# id(field node) → (that node, its field, what it selects): parsed documents are kept (api.validation), so the
# same query's node comes back request after request. Holding node and field keeps their ids from reuse.
_SELECTIONS: dict[int, tuple[FieldNode, GraphQLField, tuple[Selected, ...] | None]] = {}


def selection(info: GraphQLResolveInfo) -> tuple[Selected, ...] | None:
    """What the current field selects, fragments inlined; None when it cannot be planned (directives,
    arguments below the root field, a response key asked twice). Worked out once per field node."""
    nodes = info.field_nodes
    node = nodes[0]
    if len(nodes) != 1 or node.directives or node.selection_set is None:
        return None
    field = info.parent_type.fields[node.name.value]
    found = _SELECTIONS.get(id(node))
    if found is not None and found[0] is node and found[1] is field:
        return found[2]
    selected = _collect(node.selection_set, _object_type(field.type), info.fragments)
    if len(_SELECTIONS) >= _MAX_SHAPES:
        _SELECTIONS.clear()
    _SELECTIONS[id(node)] = (node, field, selected)
    return selected


def _object_type(graphql_type: Any) -> GraphQLObjectType | None:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type if isinstance(graphql_type, GraphQLObjectType) else None


def _collect(selection_set: SelectionSetNode, parent: GraphQLObjectType | None,
             fragments: Mapping[str, FragmentDefinitionNode]) -> tuple[Selected, ...] | None:
    if parent is None:
        return None
    out: dict[str, Selected] = {}
    stack = list(reversed(selection_set.selections))
    while stack:
        node = stack.pop()
        if node.directives:
            return None
        if isinstance(node, FieldNode):
            if node.arguments:
                return None
            name = node.name.value
            key = node.alias.value if node.alias else name
            fields = None
            if node.selection_set is not None:
                if name not in parent.fields:
                    return None
                fields = _collect(node.selection_set, _object_type(parent.fields[name].type), fragments)
                if fields is None:
                    return None
            found = Selected(key, name, fields)
            if key in out and out[key] != found:
                return None
            out[key] = found
            continue
        if isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is None or fragment.type_condition.name.value != parent.name:
                return None
            stack.extend(reversed(fragment.selection_set.selections))
        elif isinstance(node, InlineFragmentNode):
            if node.type_condition is not None and node.type_condition.name.value != parent.name:
                return None
            stack.extend(reversed(node.selection_set.selections))
    return tuple(out.values())


class _Builder:
    """Builds one statement's JSON expressions; table aliases are numbered so nested subqueries never clash."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.aliases = 0

    def alias(self, prefix: str) -> str:
        self.aliases += 1
        return f"{prefix}{self.aliases}"

    def object(self, type_name: str, fields: Sequence[Selected], source: str) -> str | None:
        """``json_build_object`` of ``fields`` of a ``type_name`` whose row is ``source``, or None."""
        if len(fields) > _MAX_PAIRS:
            return None
        graphql_type = self.schema.get_type(type_name)
        special = _COMPOSITES.get(type_name, {})
        pairs = []
        for field in fields:
            if field.name == "__typename":
                value: str | None = _literal(type_name)
            elif field.name in special:
                value = special[field.name](self, field, source)
            else:
                value = self.column(type_name, graphql_type.fields.get(field.name), source, field)
            if value is None:
                return None
            pairs.append(f"'{field.key}', {value}")
        return f"json_build_object({', '.join(pairs)})"

    def column(self, type_name: str, field: GraphQLField | None, source: str, selected: Selected) -> str | None:
        """A stored column read as it is, when the field is a plain attribute named like one."""
        table = _TABLES.get(type_name)
        if field is None or table is None or selected.fields is not None or field.args:
            return None
        definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
            return None
        if not getattr(field.resolve, "_is_default", False) or definition.python_name not in table.c:
            return None
        scalar = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(scalar, GraphQLScalarType) and scalar.name in _SCALARS:
            return f'{source}."{definition.python_name}"'
        if isinstance(scalar, GraphQLEnumType):
            return _enum_names(scalar, f'{source}."{definition.python_name}"')
        return None


def _enum_names(enum: GraphQLEnumType, column: str) -> str | None:
    """A stored enum value as the name GraphQL gives it: the column as it is when names are the values."""
    values = {name: getattr(value.value, "value", value.value) for name, value in enum.values.items()}
    if all(name == value for name, value in values.items()):
        return column
    if not all(isinstance(value, str) for value in values.values()):
        return None
    cases = " ".join(f"WHEN {_literal(value)} THEN {_literal(name)}" for name, value in values.items())
    return f"(CASE {column} {cases} END)"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fixed(mapping: Mapping[str, str]) -> Callable[[_Builder, Selected, str], str | None]:
    """An object whose fields are expressions over the parent's row (``{source}`` stands for its alias)."""

    def build(builder: _Builder, field: Selected, source: str) -> str | None:
        if field.fields is None or len(field.fields) > _MAX_PAIRS:
            return None
        pairs = []
        for sub in field.fields:
            if sub.fields is not None:
                return None
            expression = mapping.get(sub.name)
            if expression is None:
                return None
            pairs.append(f"'{sub.key}', {expression.format(source=source)}")
        return f"json_build_object({', '.join(pairs)})"

    return build


def _related(type_name: str, table: str, join: str) -> Callable[[_Builder, Selected, str], str | None]:
    """An object read from another table's row (``join``: the condition, ``{row}`` its alias)."""

    def build(builder: _Builder, field: Selected, source: str) -> str | None:
        if field.fields is None:
            return None
        row = builder.alias(table[0])
        value = builder.object(type_name, field.fields, row)
        if value is None:
            return None
        return f"(SELECT {value} FROM {table} {row} WHERE {join.format(row=row, source=source)})"

    return build


# §3 rows of each template in order, with their labels: (template, key, position, label, camelCase key).
_ROW_VALUES = ", ".join(
    f"({_literal(template)}, {_literal(key)}, {position}, {_literal(row_label(key, None if template == _OTHER_TEMPLATE else template))}, "
    f"{_literal(to_camel_case(key))})"
    for template, keys in (*APPLICATION_ROWS.items(), (_OTHER_TEMPLATE, ALL_ROW_KEYS))
    for position, key in enumerate(keys)
)
_KNOWN_TEMPLATES = ", ".join(_literal(t) for t in APPLICATION_ROWS)
_APPLICANT_CAMEL = {to_camel_case(c): c for c in APPLICANT_COLUMNS}


def _applications(builder: _Builder, field: Selected, source: str) -> str | None:
    """``applications { rows { … } matrix }``: every row of the report's template, null cells where it has none."""
    if field.fields is None:
        return None
    pairs = []
    for sub in field.fields:
        k, o = builder.alias("k"), builder.alias("o")
        rows = (
            f"FROM (VALUES {_ROW_VALUES}) AS {k}(template, key, position, label, camel) "
            f"LEFT JOIN application_outcome {o} ON {o}.report_id = {source}.id AND {o}.row_key = {k}.key "
            f"WHERE {k}.template = CASE WHEN {source}.template IN ({_KNOWN_TEMPLATES}) THEN {source}.template "
            f"ELSE '{_OTHER_TEMPLATE}' END"
        )
        if sub.name == "__typename":
            pairs.append(f"'{sub.key}', 'Applications'")
        elif sub.name == "rows" and sub.fields is not None:
            row = _row_object(sub.fields, k, o)
            if row is None:
                return None
            pairs.append(f"'{sub.key}', (SELECT coalesce(json_agg({row} ORDER BY {k}.position), '[]') {rows})")
        elif sub.name == "matrix" and sub.fields is None:
            cells = ", ".join(f"'{camel}', {o}.{column}" for camel, column in _APPLICANT_CAMEL.items())
            pairs.append(f"'{sub.key}', (SELECT json_object_agg({k}.camel, json_build_object({cells}) "
                         f"ORDER BY {k}.position) {rows})")
        else:
            return None
    return f"json_build_object({', '.join(pairs)})"


def _row_object(fields: Sequence[Selected], k: str, o: str) -> str | None:
    pairs = []
    for sub in fields:
        if sub.name == "key":
            value = f"{k}.key"
        elif sub.name == "label":
            value = f"{k}.label"
        elif sub.name == "__typename":
            value = "'ApplicationRow'"
        elif sub.name in _APPLICANT_CAMEL and sub.fields is None:
            value = f"{o}.{_APPLICANT_CAMEL[sub.name]}"
        else:
            return None
        pairs.append(f"'{sub.key}', {value}")
    return f"json_build_object({', '.join(pairs)})"


_REVIEW_CAMEL = {to_camel_case(g): g for g in REVIEW_GROUPS}
_RESULTS = {to_camel_case(r): r for r in REVIEW_RESULTS}


def _reviews(builder: _Builder, field: Selected, source: str) -> str | None:
    """``reviews { review { … } … }``: a group the report lacks is all null, as ``Reviews.of`` makes it."""
    if field.fields is None:
        return None
    pairs = []
    for sub in field.fields:
        if sub.name == "__typename":
            pairs.append(f"'{sub.key}', 'Reviews'")
            continue
        group = _REVIEW_CAMEL.get(sub.name)
        if group is None or sub.fields is None:
            return None
        v = builder.alias("v")
        cells = []
        for cell in sub.fields:
            if cell.name == "__typename":
                cells.append(f"'{cell.key}', 'ReviewCounts'")
            elif cell.name in _RESULTS and cell.fields is None:
                cells.append(f"'{cell.key}', {v}.{_RESULTS[cell.name]}")
            else:
                return None
        pairs.append(
            f"'{sub.key}', (SELECT json_build_object({', '.join(cells)}) FROM (VALUES (1)) AS one(x) "
            f"LEFT JOIN review_litigation {v} ON {v}.report_id = {source}.id AND {v}.\"group\" = {_literal(group)})"
        )
    return f"json_build_object({', '.join(pairs)})"


def _synthetic(builder: _Builder, field: Selected, source: str) -> str | None:
    """``Report.synthetic``: the agency's flag."""
    if field.fields is not None:
        return None
    a = builder.alias("a")
    return f"(SELECT {a}.synthetic FROM agency {a} WHERE {a}.id = {source}.agency_id)"


_COMPOSITES: dict[str, dict[str, Callable[[_Builder, Selected, str], str | None]]] = {
    "Report": {
        "source": _fixed({"uri": "{source}.source_uri", "format": "{source}.source_format",
                          "sha256": "{source}.sha256", "parserVersion": "{source}.parser_version",
                          "__typename": "'Source'"}),
        "agency": _related("Agency", "agency", "{row}.id = {source}.agency_id"),
        "synthetic": _synthetic,
        "applications": _applications,
        "reviews": _reviews,
        "consistency": _fixed({"passed": "{source}.checks_passed", "failed": "{source}.checks_failed",
                               "notCheckable": "{source}.checks_not_checkable", "warnings": "{source}.warnings",
                               "ok": "({source}.checks_failed = 0)", "__typename": "'Consistency'"}),
    },
    "Agency": {"region": _related("Region", "region", "{row}.code = {source}.region_code")},
    "Region": {"parent": _related("Region", "region", "{row}.code = {source}.parent_code")},
}


def report_json(schema: Any, fields: Sequence[Selected], source: str) -> str | None:
    """The JSON expression of a ``Report`` whose row is ``source``, or None when the selection is not plannable."""
    return _Builder(schema).object("Report", fields, source)


def fragment(text: str) -> Planned:
    """JSON made by the database, inserted into the response as it is."""
    return Planned(orjson.Fragment(text))


_NOT_PLANNED = "not planned"
_MAX_SHAPES = 1000  # statements kept per process, one per selection shape
_REPORT_SQL: dict[tuple[Selected, ...], str | None] = {}


def _report_statement(schema: Any, fields: tuple[Selected, ...]) -> str | None:
    if fields not in _REPORT_SQL:
        if len(_REPORT_SQL) >= _MAX_SHAPES:
            _REPORT_SQL.clear()
        node = report_json(schema, fields, "r")
        _REPORT_SQL[fields] = None if node is None else f"SELECT ({node})::text FROM report r WHERE r.id = $1"
    return _REPORT_SQL[fields]


async def report_by_id(info: Any, report_id: int) -> Planned | None | str:
    """``report(id:)`` in one statement, or ``NOT_PLANNED`` when its selection needs the resolvers."""
    context = info.context
    if not context.settings.planned_sql:
        return _NOT_PLANNED
    raw = info._raw_info
    fields = selection(raw)
    sql = None if fields is None else _report_statement(raw.schema, fields)
    if sql is None:
        return _NOT_PLANNED
    text = await context.reads.fetchval(sql, (report_id,))
    return None if text is None else fragment(text)


NOT_PLANNED = _NOT_PLANNED
