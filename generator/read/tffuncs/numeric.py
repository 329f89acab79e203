"""Numeric functions (cty stdlib number.go)."""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from generator.read.tffuncs.core import FunctionError, norm_number, t_number, t_string, whole
from generator.read.tffuncs.registry import function

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@function("abs", ("num", t_number))
def tf_abs(n: Any) -> Any:
    return abs(n)


@function("ceil", ("num", t_number))
def ceil(n: Any) -> Any:
    return math.ceil(n) if not isinstance(n, float) or math.isfinite(n) else n


@function("floor", ("num", t_number))
def floor(n: Any) -> Any:
    return math.floor(n) if not isinstance(n, float) or math.isfinite(n) else n


def go_log(x: float) -> float:
    """Go's math.Log (fdlibm's algorithm), whose last digit can differ from libm's."""
    if math.isnan(x) or x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    if math.isinf(x):
        return x
    ln2_hi, ln2_lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
    l1, l2, l3, l4 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01
    l5, l6, l7 = 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01
    f1, ki = math.frexp(x)
    if f1 < math.sqrt(2) / 2:
        f1 *= 2
        ki -= 1
    f = f1 - 1
    k = float(ki)
    s = f / (2 + f)
    s2 = s * s
    s4 = s2 * s2
    t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)))
    t2 = s4 * (l2 + s4 * (l4 + s4 * l6))
    hfsq = 0.5 * f * f
    return k * ln2_hi - ((hfsq - (s * (hfsq + t1 + t2) + k * ln2_lo)) - f)


@function("log", ("num", t_number), ("base", t_number))
def log(n: Any, base: Any) -> Any:
    result = go_log(float(n)) / go_log(float(base)) if go_log(float(base)) != 0 else math.inf
    if math.isnan(result):
        raise FunctionError("the result is not a number")
    return norm_number(result)


@function("max", variadic=("numbers", t_number))
def tf_max(*numbers: Any) -> Any:
    if not numbers:
        raise FunctionError("must pass at least one number")
    return max(numbers)


@function("min", variadic=("numbers", t_number))
def tf_min(*numbers: Any) -> Any:
    if not numbers:
        raise FunctionError("must pass at least one number")
    return min(numbers)


def go_pow(x: float, y: float) -> float:
    """Go's math.Pow: integer powers by repeated squaring, so pow(123456789, 2)
    rounds as Go rounds it."""
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0:
        odd = y == int(y) and int(y) % 2 == 1
        if y < 0:
            return -math.inf if math.copysign(1, x) < 0 and odd else math.inf
        return x if math.copysign(1, x) < 0 and odd else 0.0
    if math.isinf(y):
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    if math.isinf(x):
        if x < 0:
            return go_pow(1 / x, -y)
        return 0.0 if y < 0 else math.inf
    if y == 0.5:
        return math.sqrt(x)
    if y == -0.5:
        return 1 / math.sqrt(x)
    yf, yi = math.modf(abs(y))
    if yf != 0 and x < 0:
        return math.nan
    if yi >= 2 ** 63:
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    a1, ae = 1.0, 0
    if yf != 0:
        if yf > 0.5:
            yf -= 1
            yi += 1
        a1 = math.exp(yf * go_log(x))
    x1, xe = math.frexp(x)
    i = int(yi)
    while i != 0:
        if xe < -(1 << 12) or (1 << 12) < xe:
            ae += xe
            break
        if i & 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if y < 0:
        a1, ae = 1 / a1, -ae
    try:
        return math.ldexp(a1, ae)
    except OverflowError:
        return math.inf if a1 > 0 else -math.inf


@function("pow", ("num", t_number), ("power", t_number))
def tf_pow(n: Any, power: Any) -> Any:
    # Go's math.Pow over float64, as cty computes it
    try:
        return norm_number(go_pow(float(n), float(power)))
    except (OverflowError, ValueError, ZeroDivisionError):
        raise FunctionError("the result is not a finite number") from None


@function("signum", ("num", t_number))
def signum(n: Any) -> int:
    whole(n)
    return (n > 0) - (n < 0)


@function("parseint", ("number", t_string), ("base", t_number))
def parseint(text: str, base: Any) -> int:
    if isinstance(base, float) or not 2 <= base <= 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive")
    body = text[1:] if text[:1] in "+-" else text
    digits = _DIGITS if base > 36 else _DIGITS[:36]
    value = 0
    for ch in (body if base > 36 else body.lower()):
        pos = digits.find(ch)
        if pos < 0 or pos >= base or not body:
            break
        value = value * base + pos
    else:
        if body:
            return -value if text.startswith("-") else value
    raise FunctionError(f"cannot parse {text!r} as a base {base} integer".replace("'", '"'))


_ = Decimal
