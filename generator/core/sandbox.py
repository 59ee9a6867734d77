"""One bounded Jinja2 sandbox for plan text and for .docx templates.

Plan files and templates are shared between offices, so their Jinja is treated as hostile:

* the :class:`~jinja2.sandbox.SandboxedEnvironment` refuses private and internal attributes
  (``__class__``, ``__globals__``, ``__subclasses__``, ...);
* callable attributes are allowed only from a short list of harmless ``str``/``dict``/``list``
  methods (no ``str.format``, no ``date.today()``);
* globals are ``range`` (at most :data:`MAX_RANGE` items) and ``dict`` only — no ``cycler``,
  ``joiner``, ``namespace``, ``lipsum``; filters that could amplify (``center``, ``indent``,
  ``replace``, ``join``, ``wordwrap``, ``format``, ``batch``, ``slice``, ``sum``) are checked
  before they run, ``random`` is gone, so identical input renders identically;
* ``*``, ``+``, ``**``, ``%`` and ``~`` are bounded (strings and lists at most :data:`MAX_STR`
  items, integers at most :data:`MAX_INT_BITS` bits);
* every ``for`` iteration counts against :data:`MAX_STEPS` per render and every produced string
  against :data:`MAX_WORK` characters; the rendered output is capped; a render that still runs
  past :data:`DEADLINE_S` seconds stops (a last resort, never reached by real templates);
* tags that buffer output or reach other files (``macro``, ``call``, ``include``, ``import``,
  ``extends``, ``{% set %}`` blocks, ``{% filter %}`` blocks, recursive loops) are syntax errors;
* undefined names are errors (:class:`~jinja2.StrictUndefined`), never printed as "".

A limit hit raises :class:`LimitError` (a :class:`jinja2.exceptions.SecurityError`);
:func:`explain` turns any Jinja error into a Vietnamese-first message.
"""

from __future__ import annotations

import contextvars
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.environment import Template
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from .digits import group_digits

#: Most items a ``range()`` may produce.
MAX_RANGE = 10_000
#: Longest string (characters) or list (items) an operator or filter may produce.
MAX_STR = 2_000_000
#: Largest integer (bits) arithmetic may produce (~1,200 decimal digits).
MAX_INT_BITS = 4_000
#: Loop iterations per render.
MAX_STEPS = 1_000_000
#: Characters produced by operators, filters and method calls per render.
MAX_WORK = 50_000_000
#: Wall-clock seconds per render: a last resort against pathological templates.
DEADLINE_S = 10.0
#: Default cap on a render's output (characters); templates pass a larger one.
MAX_OUTPUT = 2_000_000
#: Output cap for one XML part of a .docx template (characters).
TEMPLATE_MAX_OUTPUT = 100_000_000

#: The only callable attributes templates and plan text may use.
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset({
        "upper", "lower", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip", "rstrip",
        "startswith", "endswith", "split", "rsplit", "splitlines", "count", "find", "rfind",
        "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper", "istitle", "isnumeric",
        "removeprefix", "removesuffix",
    }),
    dict: frozenset({"items", "keys", "values", "get"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
}

#: Tags refused at parse time: they buffer output out of reach of the caps or reach other files.
_REFUSED_TAGS: dict[type, str] = {
    nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Include: "include", nodes.Import: "import",
    nodes.FromImport: "from ... import", nodes.Extends: "extends", nodes.AssignBlock: "set ... endset",
    nodes.FilterBlock: "filter", nodes.Block: "block",
}


class LimitError(SecurityError):
    """A template or plan expression went over one of the sandbox's limits."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"{vi} ({en})")
        self.vi = vi
        self.en = en


@dataclass
class _Budget:
    steps: int = 0
    work: int = 0
    deadline: float = field(default_factory=lambda: time.monotonic() + DEADLINE_S)
    #: id → (container, deep size) for containers already measured in this render; holding the
    #: container keeps its id from being reused. Sandboxed code cannot mutate containers.
    sizes: dict[int, tuple[Any, int]] = field(default_factory=dict)

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitError(f"quá {group_digits(MAX_STEPS)} vòng lặp trong một lần dựng",
                             f"more than {MAX_STEPS:,} loop iterations")
        self.clock()

    def spend(self, n: int) -> None:
        self.work += n
        if self.work > MAX_WORK:
            raise LimitError(f"biểu thức tạo quá {group_digits(MAX_WORK)} ký tự",
                             f"expressions produced more than {MAX_WORK:,} characters")
        self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitError(f"dựng mẫu quá {DEADLINE_S:g} giây", f"rendering took over {DEADLINE_S:g} s")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("kh_sandbox_budget", default=None)


def _budget() -> _Budget:
    """The current render's budget; outside a render (Jinja folding constants while compiling,
    a filter called directly) a fresh one that is not kept, so nothing accumulates between uses."""
    budget = _BUDGET.get()
    return budget if budget is not None else _Budget()


def _too_long(n: int, what: str = "chuỗi") -> LimitError:
    return LimitError(f"{what} quá dài: {group_digits(n)} > {group_digits(MAX_STR)} phần tử",
                      f"result too long: {n:,} > {MAX_STR:,} items")


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _size(value: Any) -> int:
    """Characters ``str(value)`` would take, roughly: strings by length, containers summed deeply.

    A container repeated inside itself (``{% set a = [a, a] %}``) is counted at every place, so
    a structure that would print as gigabytes is caught while it is built. Each container is
    measured once per render (its size is remembered), so building stays linear.
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        return value.bit_length() // 3 + 1
    if not isinstance(value, _CONTAINERS):
        return 1
    budget = _budget()
    hit = budget.sizes.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    total = 1
    for item in (value.items() if isinstance(value, dict) else value):
        total += _size(item[0]) + _size(item[1]) if isinstance(value, dict) else _size(item)
        if total > MAX_STR:
            raise _too_long(total)
    budget.sizes[id(value)] = (value, total)
    return total


def _check_size(value: Any) -> Any:
    """Refuse a produced value larger than :data:`MAX_STR`; charge its size to the render's budget."""
    n = _size(value)
    if n > MAX_STR:
        raise _too_long(n)
    if isinstance(value, (str, *_CONTAINERS)):
        _budget().spend(n)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(value: Any) -> Any:
    if _is_int(value) and value.bit_length() > MAX_INT_BITS:
        raise LimitError(f"số quá lớn (hơn {MAX_INT_BITS} bit)", f"integer larger than {MAX_INT_BITS} bits")
    return value


def _bounded_int(value: Any, cap: int, name: str) -> None:
    if _is_int(value) and abs(value) > cap:
        raise LimitError(f"tham số của {name} quá lớn: {value} > {cap}", f"{name} argument too large")


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_printf(fmt: str) -> None:
    for width, precision in _PRINTF.findall(fmt):
        for spec in (width, precision):
            if spec == "*" or (spec and int(spec) > MAX_STR):
                raise LimitError("độ rộng định dạng % quá lớn", "printf width too large")


def safe_range(*args: int) -> range:
    """``range()`` with at most :data:`MAX_RANGE` items."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise LimitError(f"range() quá {group_digits(MAX_RANGE)} phần tử",
                         f"range() longer than {MAX_RANGE:,}")
    return rng


# ------------------------------------------------------------------ filters
def _guard_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter: pre-check amplifying arguments, then charge the result's size."""

    skip = 1 if hasattr(fn, "jinja_pass_arg") else 0     # environment / context passed first

    def pre(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        args = args[skip:]
        value = args[0] if args else None
        rest = list(args[1:]) + list(kwargs.values())
        if name in ("center", "indent", "truncate", "wordwrap", "batch", "slice"):
            for arg in rest:
                _bounded_int(arg, MAX_RANGE if name in ("batch", "slice") else MAX_STR, name)
        if name == "indent":
            width = rest[0] if rest else 4
            w = len(width) if isinstance(width, str) else (width if _is_int(width) else 0)
            lines = str(value).count("\n") + 1
            if w * lines + len(str(value)) > MAX_STR:
                raise _too_long(w * lines)
        elif name == "wordwrap":
            sep = kwargs.get("wrapstring", args[3] if len(args) > 3 else "\n")
            if isinstance(sep, str) and len(str(value)) * max(len(sep), 1) > MAX_STR:
                raise _too_long(len(str(value)) * len(sep))
        elif name == "replace" and len(args) >= 3:
            s, old, new = str(value), str(args[1]), str(args[2])
            hits = len(s) + 1 if old == "" else s.count(old)
            est = len(s) + hits * max(len(new) - len(old), 0)
            if est > MAX_STR:
                raise _too_long(est)
        elif name == "join" and isinstance(value, (list, tuple)):
            sep = args[1] if len(args) > 1 else kwargs.get("d", "")
            est = len(str(sep)) * len(value) + sum(_size(x) for x in value)
            if est > MAX_STR:
                raise _too_long(est)
        elif name == "format":
            _check_printf(str(value))
        elif name == "sum":
            items = value if isinstance(value, (list, tuple)) else []
            if any(not isinstance(x, (int, float)) for x in items) or any(
                    not isinstance(x, (int, float, str)) for x in rest):
                raise LimitError("sum chỉ cộng các số", "sum adds numbers only")

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        pre(args, kwargs)
        return _check_size(_check_int(fn(*args, **kwargs)))

    for attr in ("jinja_pass_arg",):      # keep pass_context / pass_environment markers
        if hasattr(fn, attr):
            setattr(wrapped, attr, getattr(fn, attr))
    wrapped.__name__ = getattr(fn, "__name__", name)
    return wrapped


_DROPPED_FILTERS = ("random", "urlize", "pprint", "filesizeformat", "xmlattr")


# ------------------------------------------------------------------ parse-time rewriting
class _Guard(NodeTransformer):
    """Refuse buffering/file tags; route loops and ``~`` through the environment's guards."""

    def __init__(self, name: str | None, filename: str | None):
        self.name, self.filename = name, filename

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        tag = _REFUSED_TAGS.get(type(node))
        if tag is not None:
            raise TemplateSyntaxError(f"thẻ '{tag}' không được phép (tag '{tag}' is not allowed)",
                                      node.lineno, self.name, self.filename)
        return super().generic_visit(node, *args, **kwargs)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        if node.recursive:
            raise TemplateSyntaxError("vòng lặp đệ quy không được phép (recursive loop is not allowed)",
                                      node.lineno, self.name, self.filename)
        node = self.generic_visit(node)
        node.iter = _env_call("kh_loop", [node.iter], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return _env_call("kh_concat", [nodes.List(node.nodes, lineno=node.lineno)], node.lineno)

    def visit_List(self, node: nodes.List) -> nodes.Node:
        return _env_call("kh_value", [self.generic_visit(node)], node.lineno)

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        return _env_call("kh_value", [self.generic_visit(node)], node.lineno)

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        node = self.generic_visit(node)
        return node if node.ctx != "load" else _env_call("kh_value", [node], node.lineno)


def _env_call(name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.EnvironmentAttribute(name, lineno=lineno), args, [], None, None, lineno=lineno)


# ------------------------------------------------------------------ environment
#: Compiled code by (environment class, autoescape, source, name, filename, defer_init); LRU.
_CODE_CACHE: dict[tuple[Any, ...], Any] = {}
_CODE_CACHE_SIZE = 256
_CODE_CACHE_MAX_SOURCE = 4_000_000     # characters; a larger source is compiled every time
_CODE_LOCK = threading.Lock()


class _BoundedTemplate(Template):
    """A template whose render stops at the environment's output cap and budgets."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.environment.concat(list(self.generate(*args, **kwargs)))  # type: ignore[attr-defined]

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        env: BoundedEnvironment = self.environment  # type: ignore[assignment]
        ctx = self.new_context(dict(*args, **kwargs))
        token = _BUDGET.set(_Budget())
        try:
            size = 0
            for piece in self.root_render_func(ctx):  # type: ignore[attr-defined]
                size += len(piece)
                if size > env.max_output:
                    raise LimitError(f"kết quả quá {group_digits(env.max_output)} ký tự",
                                     f"output longer than {env.max_output:,} characters")
                yield piece
        except Exception:
            yield env.handle_exception()
        finally:
            _BUDGET.reset(token)


class BoundedEnvironment(SandboxedEnvironment):
    """The sandbox with limits; build it with :func:`make_env`."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    template_class = _BoundedTemplate

    def __init__(self, *, autoescape: bool, max_output: int = MAX_OUTPUT):
        super().__init__(autoescape=autoescape, undefined=StrictUndefined, keep_trailing_newline=False)
        self.max_output = max_output
        self.globals.clear()
        self.globals.update(range=safe_range, dict=dict)
        for name in _DROPPED_FILTERS:
            self.filters.pop(name, None)
        for name, fn in list(self.filters.items()):
            self.filters[name] = _guard_filter(name, fn)

    # --- parse-time checks
    def compile(self, source: Any, name: str | None = None, filename: str | None = None,  # type: ignore[override]
                raw: bool = False, defer_init: bool = False) -> Any:
        """Jinja's compile, its code object kept per source text (parse checks run on a miss).

        The code depends only on the source and this environment's class and escaping, never on a
        render's data, so one template's code is reused for every plan (folder builds, watch).
        Errors are not kept: a broken source raises again on every compile.
        """
        if not isinstance(source, str) or raw or len(source) > _CODE_CACHE_MAX_SOURCE:
            return super().compile(source, name, filename, raw, defer_init)
        key = (type(self), self.autoescape, source, name, filename, defer_init)
        with _CODE_LOCK:
            code = _CODE_CACHE.pop(key, None)
            if code is not None:
                _CODE_CACHE[key] = code          # most recently used last
                return code
        code = super().compile(source, name, filename, raw, defer_init)
        with _CODE_LOCK:
            _CODE_CACHE[key] = code
            while len(_CODE_CACHE) > _CODE_CACHE_SIZE:
                _CODE_CACHE.pop(next(iter(_CODE_CACHE)))
        return code

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        guarded = _Guard(name, filename).visit(tree)
        guarded.set_environment(self)
        return guarded

    # --- runtime hooks used by the rewritten tree
    def kh_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        budget = _budget()
        for item in iterable:
            budget.step()
            yield item

    def kh_value(self, value: Any) -> Any:
        """A list, tuple or dict literal: bounded like any produced value."""
        return _check_size(value)

    def kh_concat(self, parts: list[Any]) -> str:
        out = (markup_join if self.autoescape else str_join)(parts)
        return _check_size(out)

    # --- attribute and call policy
    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``/``format_map`` at all (widths would allocate unbounded strings)."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value):
            return True
        for kind, names in SAFE_METHODS.items():
            if isinstance(obj, kind):
                return attr in names
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``a.b`` on a mapping prefers the key (user data) over a method of the same name."""
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _budget().step()
        return _check_size(_check_int(super().call(__context, __obj, *args, **kwargs)))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            seq, n = (left, right) if _is_int(right) else (right, left)
            if isinstance(seq, (str, list, tuple)) and _is_int(n) and _size(seq) * max(n, 0) > MAX_STR:
                raise _too_long(_size(seq) * n)
            if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise LimitError(f"số quá lớn (hơn {MAX_INT_BITS} bit)", f"integer larger than {MAX_INT_BITS} bits")
        elif operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            if _size(left) + _size(right) > MAX_STR:
                raise _too_long(_size(left) + _size(right))
        elif operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1 and right > 0:
            if right * math.log2(abs(left)) > MAX_INT_BITS:
                raise LimitError(f"lũy thừa quá lớn (hơn {MAX_INT_BITS} bit)", "power too large")
        elif operator == "%" and isinstance(left, str):
            _check_printf(left)
        return _check_size(_check_int(super().call_binop(context, operator, left, right)))


def make_env(*, autoescape: bool, max_output: int = MAX_OUTPUT) -> BoundedEnvironment:
    """A fresh bounded sandbox: ``autoescape=True`` for XML templates, ``False`` for plan text."""
    return BoundedEnvironment(autoescape=autoescape, max_output=max_output)


def explain(exc: BaseException) -> str:
    """A Vietnamese-first description of a Jinja error raised inside the sandbox."""
    if isinstance(exc, LimitError):
        return f"vượt giới hạn an toàn: {exc.vi} (sandbox limit: {exc.en})"
    if isinstance(exc, SecurityError):
        return f"bị chặn vì lý do an toàn (refused by the sandbox): {exc}"
    if isinstance(exc, UndefinedError):
        return f"dùng tên chưa định nghĩa (undefined name): {exc.message}"
    if isinstance(exc, TemplateSyntaxError):
        return f"sai cú pháp (syntax error): {exc.message}"
    if isinstance(exc, RecursionError):
        return "lồng nhau quá sâu (nested too deeply)"
    return f"lỗi khi tính biểu thức (evaluation error): {type(exc).__name__}: {exc}"
