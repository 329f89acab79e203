"""Terraform's built-in functions over Python values (see docs/terraform-functions.md).

Import what the evaluator needs from here; the function families live in
sibling modules and register themselves in FUNCTIONS when imported.
"""
from generator.read.tffuncs.core import (
    FileAccess, FunctionError, TfSet, Unknown, first_unknown, tf_equal, tf_type_name, to_tf_string,
)
from generator.read.tffuncs.registry import FUNCTIONS, call
from generator.read.tffuncs.jsontext import json_text
from generator.read.tffuncs import (  # noqa: F401  (importing registers their functions)
    colls, convert, crypto, encoding, files, fmt, ipnet, misc, numeric, strings,
)

__all__ = ["FUNCTIONS", "FileAccess", "FunctionError", "TfSet", "Unknown", "call", "first_unknown",
           "json_text", "tf_equal", "tf_type_name", "to_tf_string"]
