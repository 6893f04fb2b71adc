"""A scalar interpreter of the rules' own Polars expressions, for one case.

Polars spends about 1.3 ms on any query over a one-row frame, whatever its
size. For a single case the engine instead walks the very expression trees
the rules build (``Expr.meta.serialize``) over a dict of values, with the
same three-valued logic. There is no second definition of any rule: an
expression the interpreter does not know makes :func:`compile_expr` raise
:class:`Unsupported`, and the engine then keeps Polars for one case too.
Tests run every case both ways and compare.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl
import pyarrow as pa

Row = Mapping[str, Any]
Compiled = Callable[[Row], Any]

_EPOCH = dt.date(1970, 1, 1)
_INTEGER_TYPES = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}


class Unsupported(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The expression uses a node the interpreter does not implement."""


def compile_expr(expr: pl.Expr) -> Compiled:
    """A function of one row's values that computes ``expr`` as Polars would."""
    return _compile(json.loads(expr.meta.serialize(format="json")))


def _compile(node: Any) -> Compiled:
    if not isinstance(node, dict) or len(node) != 1:
        raise Unsupported(repr(node)[:80])
    ((kind, body),) = node.items()
    if kind == "Column":
        name = body
        return lambda row: row[name]
    if kind == "Alias":
        return _compile(body[0])
    if kind == "Literal":
        value = _literal(body)
        return lambda row: value
    if kind == "Cast":
        return _cast(_compile(body["expr"]), body["dtype"])
    if kind == "BinaryExpr":
        return _binary(_compile(body["left"]), body["op"], _compile(body["right"]))
    if kind == "Ternary":
        predicate, truthy, falsy = (
            _compile(body["predicate"]),
            _compile(body["truthy"]),
            _compile(body["falsy"]),
        )
        # A null predicate takes the "otherwise" branch, as in Polars.
        return lambda row: truthy(row) if predicate(row) is True else falsy(row)
    if kind == "Function":
        return _function(body["function"], [_compile(i) for i in body["input"]])
    raise Unsupported(kind)


def _literal(body: Any) -> Any:
    if "Dyn" in body:
        ((kind, value),) = body["Dyn"].items()
        if kind in ("Int", "Float", "Str"):
            return value
        raise Unsupported(f"dyn literal {kind}")
    ((kind, value),) = body["Scalar"].items()
    if kind == "Null":
        return None
    if kind in ("String", "Boolean") or kind in _INTEGER_TYPES:
        return value
    if kind == "Date":
        return _EPOCH + dt.timedelta(days=value)
    if kind == "List":
        table = pa.ipc.open_stream(bytes(value)).read_all()
        return table.column(0).to_pylist()
    raise Unsupported(f"literal {kind}")


def _cast(inner: Compiled, dtype: Any) -> Compiled:
    target = dtype.get("Literal") if isinstance(dtype, dict) else None
    if target not in _INTEGER_TYPES:
        raise Unsupported(f"cast to {dtype}")

    def cast(row: Row) -> Any:
        value = inner(row)
        return None if value is None else int(value)

    return cast


def _and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


_NULL_PROPAGATING: dict[str, Callable[[Any, Any], Any]] = {
    "Eq": lambda a, b: a == b,
    "NotEq": lambda a, b: a != b,
    "Lt": lambda a, b: a < b,
    "LtEq": lambda a, b: a <= b,
    "Gt": lambda a, b: a > b,
    "GtEq": lambda a, b: a >= b,
    "Plus": lambda a, b: a + b,
    "Minus": lambda a, b: a - b,
    "Multiply": lambda a, b: a * b,
}


def _binary(left: Compiled, op: str, right: Compiled) -> Compiled:
    if op == "And":
        return lambda row: _and(left(row), right(row))
    if op == "Or":
        return lambda row: _or(left(row), right(row))
    if op not in _NULL_PROPAGATING:
        raise Unsupported(f"operator {op}")
    apply = _NULL_PROPAGATING[op]

    def binary(row: Row) -> Any:
        a, b = left(row), right(row)
        return None if a is None or b is None else apply(a, b)

    return binary


def _function(spec: Any, inputs: list[Compiled]) -> Compiled:
    if spec == "FillNull":
        value, fill = inputs
        return lambda row: fill(row) if value(row) is None else value(row)
    ((family, name),) = spec.items() if isinstance(spec, dict) else [(spec, None)]
    if family == "Boolean":
        return _boolean(name, inputs)
    if family == "TemporalExpr" and name in ("Year", "Month", "Day"):
        (date,) = inputs
        attr = name.lower()
        return lambda row: None if (d := date(row)) is None else getattr(d, attr)
    if family == "StringExpr" and name == "StartsWith":
        text, prefix = inputs

        def starts_with(row: Row) -> Any:
            a, b = text(row), prefix(row)
            return None if a is None or b is None else a.startswith(b)

        return starts_with
    if family == "StringExpr" and name == "Slice":
        text, offset, length = inputs

        def slice_(row: Row) -> Any:
            a, start, size = text(row), offset(row), length(row)
            if a is None or start is None:
                return None
            if start < 0:  # counted from the end; the part before the start is cut off
                start = len(a) + start
            end = len(a) if size is None else start + size
            return a[max(start, 0) : max(end, 0)]

        return slice_
    if family == "ListExpr" and isinstance(name, dict) and "Contains" in name:
        items, item = inputs
        if name["Contains"].get("nulls_equal") is not True:
            raise Unsupported("list contains without nulls_equal")
        return lambda row: None if (xs := items(row)) is None else item(row) in xs
    raise Unsupported(f"function {spec}")


def _boolean(name: Any, inputs: list[Compiled]) -> Compiled:
    if name == "AnyHorizontal":

        def any_horizontal(row: Row) -> Any:
            result: Any = False
            for value in inputs:
                result = _or(result, value(row))
            return result

        return any_horizontal
    if name == "AllHorizontal":

        def all_horizontal(row: Row) -> Any:
            result: Any = True
            for value in inputs:
                result = _and(result, value(row))
            return result

        return all_horizontal
    if name == "Not":
        (value,) = inputs
        return lambda row: None if (v := value(row)) is None else not v
    if name == "IsNull":
        (value,) = inputs
        return lambda row: value(row) is None
    if isinstance(name, dict) and "IsIn" in name:
        if name["IsIn"].get("nulls_equal") is not False:
            raise Unsupported("is_in with nulls_equal")
        value, choices = inputs

        def is_in(row: Row) -> Any:
            v = value(row)
            return None if v is None else v in choices(row)

        return is_in
    raise Unsupported(f"boolean {name}")
