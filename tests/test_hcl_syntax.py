"""Lookout's HCL parser and evaluator on the cases Terraform users write (one per behaviour)."""
from __future__ import annotations

import pytest

from generator.read.hcl import parse_hcl
from generator.read.hclparse import HclSyntaxError
from generator.read.tfeval import Scope
from generator.read.tfvalues import Unknown


def value(src: str, **variables):
    """The value of `x = <src>` with var.* set from keyword arguments."""
    parsed = parse_hcl(f"x = {src}\n")
    return Scope(variables).evaluate(parsed.attributes["x"])


def error(src: str) -> HclSyntaxError:
    with pytest.raises(HclSyntaxError) as info:
        parse_hcl(src)
    return info.value


def test_heredoc_keeps_its_final_newline_and_flush_heredoc_strips_indentation():
    assert value("<<EOT\nhello\nworld\nEOT\n") == "hello\nworld\n"
    assert value("<<-EOT\n    a\n      b\n\n    c\n    EOT\n") == "a\n  b\n\nc\n"
    # An interpolation at the start of a line counts as no indentation, as in Terraform.
    assert value('<<-EOT\n  a\n${"x"}\nEOT\n') == "  a\nx\n"
    assert value("<<EOT\n$${literal} %%{x}\nEOT\n") == "${literal} %{x}\n"
    # The closing marker may have spaces after it (the DataDog corpus file does).
    assert value("<<EOT\nq\n  EOT   \n") == "q\n"


def test_templates_interpolate_escape_and_strip():
    assert value('"a-${var.env}-${1 + 1}"', env="prod") == "a-prod-2"
    assert value('"${var.n}"', n=[1, 2]) == [1, 2]          # a lone interpolation keeps its type
    assert value(r'"tab\there \"q\" \u00e9"') == 'tab\there "q" é'
    assert value('"%{ if var.on }yes%{ else }no%{ endif }"', on=False) == "no"
    assert value('<<EOT\n%{ for k, v in var.m ~}\n${k}=${v};\n%{~ endfor }\nEOT\n', m={"b": 2, "a": 1}) == "a=1;b=2;\n"
    assert value('"x ${~ "y" ~} z"') == "xyz"


def test_namespaced_and_expanded_function_calls_parse():
    parsed = parse_hcl('a = core::upper("x")\nb = max(var.l...)\n')
    call_a, call_b = parsed.attributes["a"], parsed.attributes["b"]
    assert (call_a.name, call_b.name, call_b.expand) == ("core::upper", "max", True)
    assert value('core::upper("x")') == "X"


def test_operators_follow_terraform_precedence_and_types():
    assert value("1 + 2 * 3 - 4 / 2") == 5
    assert value("!true || 1 < 2 && 2 >= 2") is True
    assert value('"5" + 1') == 6                       # a numeric string converts
    assert value('1 == "1"') is False                  # equality does not convert
    assert value("-7 % 3") == -1 and value("7 / 2") == 3.5
    assert value('var.a == "x" ? "yes" : "no"', a="x") == "yes"
    assert value('true ? 1 : "a"') == "1"              # both results share one type


def test_for_expressions_splat_and_indexes():
    assert value("[for s in var.l : upper(s) if s != \"b\"]", l=["a", "b", "c"]) == ["A", "C"]
    assert value("{for i, s in var.l : s => i}", l=["a", "b"]) == {"a": 0, "b": 1}
    assert value("{for o in var.l : o.k => o.v...}", l=[{"k": "a", "v": 1}, {"k": "b", "v": 2},
                                                         {"k": "a", "v": 3}]) == {"a": [1, 3], "b": [2]}
    assert value("var.l[*].name", l=[{"name": "a"}, {"name": "b"}]) == ["a", "b"]
    assert value("var.l.*.name", l=[{"name": "a"}]) == ["a"]
    assert value('var.m["k"][1]', m={"k": [1, 2]}) == 2
    assert value("[\n  1,\n  2,\n]") == [1, 2]
    assert value("{\n  a = 1\n  \"b\" = 2, c: 3\n}") == {"a": 1, "b": 2, "c": 3}


def test_unknown_values_say_why():
    found = value("aws_s3_bucket.x.arn")
    assert isinstance(found, Unknown) and str(found) == "aws_s3_bucket.x.arn is only known after apply"
    assert "data source" in str(value('"${data.aws_caller_identity.me.account_id}-logs"'))
    assert isinstance(value('upper(aws_sqs_queue.q.name)'), Unknown)
    # try and can are lazy: a failing argument is skipped, an unknown one makes the result unknown.
    assert value('try(var.m.missing, "fallback")', m={}) == "fallback"
    assert value("can(var.m.missing)", m={}) is False
    assert isinstance(value('try(aws_s3_bucket.x.id, "y")'), Unknown)
    assert "no attribute" in str(value("var.m.missing", m={}))


def test_locals_refer_to_each_other_in_any_order_and_a_cycle_is_named():
    parsed = parse_hcl("locals {\n  a = \"${local.b}-x\"\n  b = upper(var.env)\n  c = local.c\n}\n")
    body = parsed.blocks[0].body
    scope = Scope({"env": "prod"}, body)
    assert scope.evaluate(body["a"]) == "PROD-x"
    assert "cycle" in str(scope.evaluate(body["c"]))


def test_every_block_attribute_and_expression_has_its_line():
    parsed = parse_hcl('# c\nresource "a" "b" {\n  x = 1\n  tags = {\n    k = "v"\n  }\n  inner {\n    y = 2\n  }\n}\n')
    block = parsed.blocks[0]
    assert (block.line, block.attr_lines, block.children[0].line, block.children[0].attr_lines) == (
        2, {"x": 3, "tags": 4}, 7, {"y": 8})
    assert block.body["tags"].items[0][1].line == 5


@pytest.mark.parametrize("src, words, line", [
    ("a =\n", "expected a value after `=`", 1),
    ('resource "x" "y" {\n  a = 1\n', "unclosed `{` opened at line 1", 3),
    ("a = 1;\n", "invalid character ';'", 1),
    ('a = "x\n', "unterminated string", 1),
    ("a = <<EOT\nno end\n", "has no closing EOT line", 3),
    ("a = [1, 2\nb = 3\n", "expected `,` or `]`", 2),
    ("x {\n}\n}\n", "unexpected `}`", 3),
    ("<<<<<<< HEAD\na = 1\n", "merge conflict", 1),
    ('a = "${1 +}"\n', "expected a value after `+`", 1),
    ('a = "%{ if true }x"\n', "has no %{ endif }", 1),
    ("a = " + "[" * 500 + "]" * 500 + "\n", "too deeply", 1),
])
def test_a_syntax_error_is_one_message_in_terraforms_words_at_its_line(src, words, line):
    err = error(src)
    assert words in err.message and err.line == line


def test_an_argument_set_twice_is_an_error_that_costs_only_the_second():
    parsed = parse_hcl('resource "a" "b" {\n  x = 1\n  x = 2\n}\n')
    assert parsed.blocks[0].attr_lines == {"x": 2}
    (err,) = parsed.errors
    assert err.line == 3 and "already set at line 2" in err.message


def test_nested_loops_over_large_collections_stop_with_a_reason_not_a_hang():
    found = value("[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]")
    assert isinstance(found, Unknown) and "loop more than Lookout evaluates" in str(found)
