"""Hash and UUID functions; the random and time ones are only known when applied."""
from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from generator.read.tffuncs.core import FunctionError, t_string
from generator.read.tffuncs.registry import function, impure

for _name, _algo in (("md5", "md5"), ("sha1", "sha1"), ("sha256", "sha256"), ("sha512", "sha512")):
    def _hex(text: str, _algo: str = _algo) -> str:
        return hashlib.new(_algo, text.encode("utf-8")).hexdigest()
    function(_name, ("str", t_string))(_hex)

for _name, _algo in (("base64sha256", "sha256"), ("base64sha512", "sha512")):
    def _b64(text: str, _algo: str = _algo) -> str:
        return base64.b64encode(hashlib.new(_algo, text.encode("utf-8")).digest()).decode("ascii")
    function(_name, ("str", t_string))(_b64)

_NAMESPACES = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL, "oid": uuid.NAMESPACE_OID,
               "x500": uuid.NAMESPACE_X500}


@function("uuidv5", ("namespace", t_string), ("name", t_string))
def uuidv5(namespace: str, name: str) -> str:
    space = _NAMESPACES.get(namespace)
    if space is None:
        try:
            space = uuid.UUID(namespace)
        except ValueError:
            raise FunctionError(f'uuidv5() doesn\'t support namespace prefix "{namespace}", '
                                f"expected one of: dns, url, oid, x500, or a valid UUID") from None
    return str(uuid.uuid5(space, name))


impure("uuid")
impure("timestamp")
impure("plantimestamp")
impure("bcrypt", "is salted at random each time it runs")
impure("rsadecrypt", "needs a private key, which Lookout does not evaluate")
impure("pathexpand", "depends on the home folder of the machine that applies")
impure("abspath", "depends on the folder Terraform runs in")

_ = Any
