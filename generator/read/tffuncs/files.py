"""File functions, through the evaluator's FileAccess (confined to the repo)."""
from __future__ import annotations

import base64
import hashlib
from typing import Any

from generator.read.tffuncs.core import FileAccess, FunctionError, TfSet, Unknown, t_string
from generator.read.tffuncs.registry import function


def _read(files: FileAccess, path: str, name: str) -> bytes | Unknown:
    try:
        return files.read(path)
    except PermissionError:
        return Unknown(f"{name}() reads {path!r}, which is outside the repository", f"{name}(…)")
    except (FileNotFoundError, IsADirectoryError):
        raise FunctionError(f"no file exists at {path!r}; this function works only with files that are "
                            f"distributed as part of the configuration source code, so if this file will "
                            f"be created by a resource in this configuration you must instead obtain this "
                            f"result from an attribute of that resource.".replace("'", '"')) from None


@function("file", ("path", t_string), wants_files=True)
def file(path: str, *, files: FileAccess) -> Any:
    data = _read(files, path, "file")
    if isinstance(data, Unknown):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError(f'contents of "{path}" are not valid UTF-8; use the filebase64 function '
                            f"to obtain the Base64 encoded contents or the other file functions (e.g. "
                            f"filemd5, filesha256) to obtain file hashing results instead") from None


@function("filebase64", ("path", t_string), wants_files=True)
def filebase64(path: str, *, files: FileAccess) -> Any:
    data = _read(files, path, "filebase64")
    return data if isinstance(data, Unknown) else base64.b64encode(data).decode("ascii")


def _file_hash(name: str, algo: str, encode: str) -> None:
    def impl(path: str, *, files: FileAccess) -> Any:
        data = _read(files, path, name)
        if isinstance(data, Unknown):
            return data
        digest = hashlib.new(algo, data)
        return digest.hexdigest() if encode == "hex" else base64.b64encode(digest.digest()).decode("ascii")
    function(name, ("path", t_string), wants_files=True)(impl)


for _name, _algo, _enc in (("filemd5", "md5", "hex"), ("filesha1", "sha1", "hex"),
                           ("filesha256", "sha256", "hex"), ("filesha512", "sha512", "hex"),
                           ("filebase64sha256", "sha256", "b64"), ("filebase64sha512", "sha512", "b64")):
    _file_hash(_name, _algo, _enc)


@function("fileexists", ("path", t_string), wants_files=True)
def fileexists(path: str, *, files: FileAccess) -> Any:
    try:
        return files.is_file(path)
    except PermissionError:
        return Unknown(f"fileexists() looks at {path!r}, which is outside the repository", "fileexists(…)")


@function("fileset", ("path", t_string), ("pattern", t_string), wants_files=True)
def fileset(path: str, pattern: str, *, files: FileAccess) -> Any:
    try:
        return TfSet(files.glob(path, pattern))
    except PermissionError:
        return Unknown(f"fileset() lists {path!r}, which is outside the repository", "fileset(…)")


@function("templatefile", ("path", t_string), ("vars", lambda v: v), wants_files=True)
def templatefile(path: str, variables: Any, *, files: FileAccess) -> Any:
    render = getattr(files, "render_template", None)
    data = _read(files, path, "templatefile")
    if isinstance(data, Unknown) or render is None:
        return data if isinstance(data, Unknown) else Unknown("templatefile() templates are not rendered",
                                                              "templatefile(…)")
    if not isinstance(variables, dict):
        raise FunctionError("Invalid value for \"vars\" parameter: map or object required")
    return render(data.decode("utf-8", errors="replace"), variables)
