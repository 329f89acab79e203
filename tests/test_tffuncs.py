"""Terraform's built-in functions: cases from Terraform's docs and test tables.

Each row is (call, args, expected); expected is a value, or FunctionError /
Unknown for a call Terraform rejects or cannot know from the files.
"""
from __future__ import annotations

import pytest

from generator.read.tffuncs import FunctionError, TfSet, Unknown, call, tf_equal, to_tf_string

E = FunctionError
U = Unknown

CASES = [
    # lower / upper (Terraform docs; cty string_test)
    ("lower", ["HELLO"], "hello"),
    ("lower", ["АЛЛО!"], "алло!"),
    ("upper", ["hello"], "HELLO"),
    ("upper", ["алло!"], "АЛЛО!"),
    ("upper", [1], "1"),
    ("upper", [None], E),
    ("upper", [["a"]], E),
    ("core::lower", ["X"], "x"),
    # join
    ("join", ["-", ["foo", "bar", "baz"]], "foo-bar-baz"),
    ("join", [", ", ["foo"]], "foo"),
    ("join", [", ", []], ""),
    ("join", ["-", ["a"], ["b", "c"]], "a-b-c"),
    ("join", ["-", [1, True]], "1-true"),
    ("join", ["-"], E),
    # format (docs and cty format_test)
    ("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
    ("format", ["There are %d lights", 4], "There are 4 lights"),
    ("format", ["%d", 1.5], E),
    ("format", ["%.2f", 3.14159], "3.14"),
    ("format", ["%f", 1], "1.000000"),
    ("format", ["%5d|%-5d|%05d", 1, 2, 3], "    1|2    |00003"),
    ("format", ["%q", "hi"], '"hi"'),
    ("format", ["%v %v %v", "a", 1.5, True], "a 1.5 true"),
    ("format", ["%#v", "a"], '"a"'),
    ("format", ["%v", [1, "a"]], '[1,"a"]'),
    ("format", ["%t", True], "true"),
    ("format", ["%x %X %o %b", 255, 255, 8, 5], "ff FF 10 101"),
    ("format", ["%.2s", "hello"], "he"),
    ("format", ["%[2]s %[1]s", "a", "b"], "b a"),
    ("format", ["%%"], "%"),
    ("format", ["%s"], E),
    ("format", ["%s", "a", "b"], E),
    ("format", ["no verbs", "a"], E),
    ("format", ["%z", 1], E),
    ("format", ["%s", None], E),
    ("format", ["%v", None], "null"),
    ("format", ["%s-%s", "a", Unknown("x")], U),
]


def _ids(case):
    return f"{case[0]}{case[1]!r}"[:60]


@pytest.mark.parametrize("name,args,expected", CASES, ids=[_ids(c) for c in CASES])
def test_function(name, args, expected):
    if expected is E:
        with pytest.raises(FunctionError):
            call(name, args)
        return
    result = call(name, args)
    if expected is U:
        assert isinstance(result, Unknown), result
        return
    assert tf_equal(result, expected) and type(result) is type(expected), (result, expected)


def test_unknown_function_and_arity_in_terraforms_words():
    with pytest.raises(FunctionError, match='There is no function named "nope"'):
        call("nope", [])
    with pytest.raises(FunctionError, match='expects 1 argument\\(s\\). Missing value for "str"'):
        call("lower", [])
    with pytest.raises(FunctionError, match='expects only 1 argument'):
        call("lower", ["a", "b"])


def test_expand_last_spreads_a_list():
    assert call("join", ["-", ["a", "b"]], expand_last=False) == "a-b"
    assert call("format", ["%s-%s", ["a", "b"]], expand_last=True) == "a-b"


def test_to_tf_string_and_sets():
    assert [to_tf_string(v) for v in (1.5, 10, True, False, 1e20, 0.1)] == \
        ["1.5", "10", "true", "false", "100000000000000000000", "0.1"]
    assert TfSet(["b", "a", "b"]) == ["a", "b"]
    assert TfSet([3, 1, 2.5, 1]) == [1, 2.5, 3]
