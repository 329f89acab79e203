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
    ("format", ["%s", None], U),     # a bare null has no type yet: Terraform says unknown
    ("format", ["%v", None], U),
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


MORE = [
    # Unknown anywhere inside an argument makes the result Unknown
    ("length", [["a", Unknown("r.id")]], U), ("merge", [{"a": Unknown("x")}], U), ("jsonencode", [[Unknown("x")]], U),
    # ... except where Terraform's own function looks only as far as it must
    ("coalesce", ["a", Unknown("x")], "a"), ("coalesce", [Unknown("x"), "a"], U),
    # impure functions are only known when applied
    ("timestamp", [], U), ("uuid", [], U), ("bcrypt", ["x"], U), ("plantimestamp", [], U),
    ("templatestring", ["x", {}], U), ("base64gzip", ["x"], U),
    # numbers that JSON cannot carry
    ("pow", [0, -1], float("inf")), ("log", [0, 10], float("-inf")),
    # Terraform's decimal arithmetic, not binary floats
    ("sum", [[0.1, 0.2]], 0.3), ("range", [0, 0.4, 0.1], [0, 0.1, 0.2, 0.3]),
    # RE2 features Python's re spells differently, and ones Lookout refuses
    ("regex", ["(?<year>\\d{4})", "in 2024"], {"year": "2024"}), ("regex", ["\\x{41}", "A"], "A"),
    ("regex", ["\\pL+", "abc"], U), ("regex", ["(?U)a+", "aaa"], U), ("regex", ["(a)\\1", "aa"], E),
    ("regex", ["(?=a)", "a"], E),
    # a YAML bomb is refused, not expanded
    ("yamldecode", ["a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"], E),
    ("yamldecode", ["!!python/object:os.system x"], E),
    ("sensitive", ["x"], "x"), ("nonsensitive", ["x"], "x"), ("issensitive", ["x"], False),
    ("list", ["a"], E), ("map", ["a", 1], E),
]


@pytest.mark.parametrize("name,args,expected", MORE, ids=[_ids(c) for c in MORE])
def test_function_more(name, args, expected):
    test_function(name, args, expected)


class RepoFiles:
    """A FileAccess over a dict: what the evaluator's repo-confined reader provides."""

    def __init__(self, files):
        self.files = files

    def read(self, path):
        if path.startswith(("/", "..")):
            raise PermissionError(path)
        if path not in self.files:
            raise FileNotFoundError(path)
        return self.files[path]

    def is_file(self, path):
        if path.startswith(("/", "..")):
            raise PermissionError(path)
        return path in self.files

    def glob(self, path, pattern):
        import fnmatch
        return [p[len(path) + 1:] for p in self.files if fnmatch.fnmatch(p, f"{path}/{pattern}")]


def test_file_functions_read_only_through_the_repo():
    files = RepoFiles({"cfg/a.json": b'{"name": "orders"}', "cfg/b.bin": b"\xff\x00"})
    assert call("file", ["cfg/a.json"], files=files) == '{"name": "orders"}'
    assert call("jsondecode", [call("file", ["cfg/a.json"], files=files)]) == {"name": "orders"}
    assert call("filebase64", ["cfg/b.bin"], files=files) == "/wA="
    assert call("filemd5", ["cfg/a.json"], files=files) == call("md5", ['{"name": "orders"}'])
    assert call("fileexists", ["cfg/nope"], files=files) is False
    assert call("fileset", ["cfg", "*.json"], files=files) == ["a.json"]
    with pytest.raises(FunctionError, match="no file exists"):
        call("file", ["cfg/missing"], files=files)
    with pytest.raises(FunctionError, match="not valid UTF-8"):
        call("file", ["cfg/b.bin"], files=files)
    outside = call("file", ["/etc/passwd"], files=files)
    assert isinstance(outside, Unknown) and "outside the repository" in outside.reason
    # without a FileAccess nothing is read at all
    assert isinstance(call("file", ["cfg/a.json"]), Unknown)


def test_every_function_terraform_documents_is_known():
    from generator.read.tffuncs import FUNCTIONS
    documented = """abs abspath alltrue anytrue base64decode base64encode base64gzip base64sha256 base64sha512
    basename bcrypt ceil chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist
    compact concat contains csvdecode dirname distinct element endswith file filebase64 filebase64sha256
    filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 filesha512 flatten floor format
    formatdate formatlist indent index issensitive join jsondecode jsonencode keys length log lookup lower
    matchkeys max md5 merge min nonsensitive one parseint pathexpand plantimestamp pow range regex regexall
    replace reverse rsadecrypt sensitive setintersection setproduct setsubtract setunion sha1 sha256 sha512
    signum slice sort split startswith strcontains strrev substr sum templatefile templatestring
    textdecodebase64 textencodebase64 timeadd timecmp timestamp title tobool tolist tomap tonumber toset
    tostring transpose trim trimprefix trimspace trimsuffix upper urlencode uuid uuidv5 values yamldecode
    yamlencode zipmap""".split()
    assert [name for name in documented if name not in FUNCTIONS] == []
