"""The condition language: a small tokenizer and recursive-descent parser, and a safe evaluator (no eval)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass

from scenarios.model import And
from scenarios.model import Chose
from scenarios.model import Compare
from scenarios.model import Condition
from scenarios.model import Const
from scenarios.model import Knows
from scenarios.model import Name
from scenarios.model import Not
from scenarios.model import Number
from scenarios.model import Or
from scenarios.model import RoleRef
from scenarios.vocabulary import BUILTIN_NAMES
from scenarios.vocabulary import CONDITION_WORDS
from scenarios.vocabulary import NOBODY
from scenarios.vocabulary import fold

MAX_LENGTH = 500
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "=")


class ConditionError(ValueError):
    """A condition that cannot be read; carries the problem in bokmål and English."""

    def __init__(self, nb: str, en: str) -> None:
        super().__init__(nb)
        self.nb = nb
        self.en = en


@dataclass(frozen=True)
class _Token:
    kind: str  # name | number | op | lparen | rparen | word
    text: str
    pos: int


def _tokens(text: str) -> Iterator[_Token]:
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            yield _Token("lparen", ch, i)
            i += 1
        elif ch == ")":
            yield _Token("rparen", ch, i)
            i += 1
        elif ch in "=!<>":
            two = text[i : i + 2]
            op = two if two in _OPERATORS else ch
            if op not in _OPERATORS:
                raise ConditionError(f"uventet tegn «{ch}»", f"unexpected character '{ch}'")
            yield _Token("op", "==" if op == "=" else op, i)
            i += len(op)
        elif ch.isdigit() or (ch == "-" and i + 1 < n and text[i + 1].isdigit()):
            j = i + 1
            while j < n and text[j].isdigit():
                j += 1
            yield _Token("number", text[i:j], i)
            i = j
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "_-"):
                j += 1
            word = text[i:j]
            kind = "word" if fold(word) in CONDITION_WORDS else "name"
            yield _Token(kind, word, i)
            i = j
        else:
            raise ConditionError(f"uventet tegn «{ch}»", f"unexpected character '{ch}'")


class _Parser:
    def __init__(self, text: str, roles: dict[str, str]) -> None:
        self.tokens = list(_tokens(text))
        self.i = 0
        self.roles = roles

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def word(self) -> str | None:
        token = self.peek()
        return CONDITION_WORDS[fold(token.text)] if token and token.kind == "word" else None

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise ConditionError("betingelsen slutter for tidlig", "the condition ends too early")
        self.i += 1
        return token

    def parse(self) -> Condition:
        if not self.tokens:
            raise ConditionError("betingelsen er tom", "the condition is empty")
        result = self.or_expr()
        extra = self.peek()
        if extra is not None:
            raise ConditionError(
                f"uventet «{extra.text}» på plass {extra.pos + 1}",
                f"unexpected '{extra.text}' at position {extra.pos + 1}",
            )
        return result

    def or_expr(self) -> Condition:
        parts = [self.and_expr()]
        while self.word() == "or":
            self.i += 1
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Condition:
        parts = [self.not_expr()]
        while self.word() == "and":
            self.i += 1
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self) -> Condition:
        if self.word() == "not":
            self.i += 1
            return Not(self.not_expr())
        return self.primary()

    def primary(self) -> Condition:
        token = self.next()
        if token.kind == "lparen":
            inner = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise ConditionError("en parentes er ikke lukket", "a parenthesis is not closed")
            self.i += 1
            return inner
        if token.kind == "word":
            word = CONDITION_WORDS[fold(token.text)]
            if word in ("true", "false"):
                return Const(word == "true")
            raise ConditionError(f"«{token.text}» kan ikke stå her", f"'{token.text}' cannot stand here")
        if token.kind == "name" and self.word() in ("chose", "knows"):
            relation = self.word()
            self.i += 1
            role = self.role(token.text)
            target = self.next()
            if target.kind != "name":
                raise ConditionError(
                    f"ventet en id etter «{token.text} {relation}»",
                    f"expected an id after '{token.text} {relation}'",
                )
            return Chose(role, target.text) if relation == "chose" else Knows(role, target.text)
        left = self.operand(token)
        op = self.peek()
        if op is None or op.kind != "op":
            if isinstance(left, Name):
                return left
            raise ConditionError(
                f"«{token.text}» alene er ingen betingelse", f"'{token.text}' alone is no condition"
            )
        self.i += 1
        right = self.operand(self.next())
        return self.compare(op.text, left, right)

    def operand(self, token: _Token) -> Name | Number:
        if token.kind == "number":
            return Number(int(token.text))
        if token.kind == "name":
            return Name(BUILTIN_NAMES.get(fold(token.text), token.text))
        raise ConditionError(f"uventet «{token.text}»", f"unexpected '{token.text}'")

    def role(self, text: str) -> str:
        found = self.roles.get(fold(text))
        if found is None:
            raise UnknownRole(text)
        return found

    def compare(self, op: str, left: Name | Number, right: Name | Number) -> Compare:
        # Comparing the baton holder needs a role (or "ingen") on the other side.
        if left == Name("owner") or right == Name("owner"):
            other = right if left == Name("owner") else left
            if not isinstance(other, Name) or op not in ("==", "!="):
                raise ConditionError(
                    "stafettholderen kan bare sammenlignes med == eller != og en rolle",
                    "the baton holder can only be compared with == or != and a role",
                )
            value = None if fold(other.name) in NOBODY else self.role(other.name)
            return Compare(op, Name("owner"), RoleRef(value))
        return Compare(op, left, right)


class UnknownRole(ConditionError):
    """A condition names a role the scenario does not declare."""

    def __init__(self, role: str) -> None:
        super().__init__(f"ukjent rolle «{role}»", f"unknown role '{role}'")
        self.role = role


def parse_condition(text: str, roles: dict[str, str]) -> Condition:
    """Parse condition text; `roles` maps folded role ids and names to ids."""
    if len(text) > MAX_LENGTH:
        raise ConditionError("betingelsen er for lang", "the condition is too long")
    return _Parser(text, roles).parse()


@dataclass(frozen=True)
class Env:
    """What a condition can see: the team's variables and the current scene's choices."""

    flags: dict[str, bool]
    counters: dict[str, int]
    bti: int
    owners: tuple[str, ...]
    chosen: dict[str, str]
    knows: Callable[[str, str], bool]


def _value(node: Name | Number | RoleRef, env: Env) -> int | str | None:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, RoleRef):
        return node.role
    if node.name == "bti":
        return env.bti
    if node.name in env.counters:
        return env.counters[node.name]
    return int(env.flags.get(node.name, False))


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def evaluate(condition: Condition, env: Env) -> bool:
    """Evaluate a parsed condition against the team's state."""
    match condition:
        case Const(value):
            return value
        case Name(name):
            if name == "bti":
                return env.bti > 0
            if name == "owner":
                return bool(env.owners)
            if name in env.counters:
                return env.counters[name] != 0
            return env.flags.get(name, False)
        case Not(operand):
            return not evaluate(operand, env)
        case And(operands):
            return all(evaluate(o, env) for o in operands)
        case Or(operands):
            return any(evaluate(o, env) for o in operands)
        case Compare(op, Name("owner"), RoleRef(role)):
            holds = role in env.owners if role is not None else not env.owners
            return holds if op == "==" else not holds
        case Compare(op, left, right):
            a, b = _value(left, env), _value(right, env)
            if op in ("==", "!="):
                return _COMPARE[op](a, b)
            if a is None or b is None or isinstance(a, str) or isinstance(b, str):
                return False
            return _COMPARE[op](a, b)
        case Chose(role, choice):
            return env.chosen.get(role) == choice
        case Knows(role, info):
            return env.knows(role, info)
    raise TypeError(f"not a condition: {condition!r}")


def names_read(condition: Condition) -> Iterator[Name]:
    """Yield every flag or counter name a condition reads (built-ins excluded)."""
    match condition:
        case Name(name):
            if name not in ("bti", "owner"):
                yield condition
        case Not(operand):
            yield from names_read(operand)
        case And(operands) | Or(operands):
            for operand in operands:
                yield from names_read(operand)
        case Compare(_, left, right):
            for side in (left, right):
                if isinstance(side, Name) and side.name not in ("bti", "owner"):
                    yield side


def atoms(condition: Condition) -> Iterator[Condition]:
    """Yield the leaves of a condition (names, comparisons, choices, knowledge)."""
    match condition:
        case Not(operand):
            yield from atoms(operand)
        case And(operands) | Or(operands):
            for operand in operands:
                yield from atoms(operand)
        case _:
            yield condition
