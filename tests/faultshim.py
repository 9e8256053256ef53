"""Inject a fault into a real `glossary build` subprocess.

`shim_env(folder, op=..., match=..., nth=..., action=...)` writes a `sitecustomize.py` into
`folder` and returns the environment that makes Python load it: the N-th call of `op`
(os.open, os.rename, os.replace, os.mkdir, os.makedirs, shutil.copyfile,
builtins.open, ...) whose path
arguments contain `match` then fails with an errno, kills the process, or raises.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SHIM = r"""
import builtins, errno, json, os, shutil, signal, sys

_spec = json.loads(os.environ.get("GLOSSARY_FAULT", "null") or "null")


def _install(spec):
    module_name, _, name = spec["op"].rpartition(".")
    module = {"os": os, "shutil": shutil, "builtins": builtins}[module_name or "os"]
    original = getattr(module, name)
    state = {"calls": 0, "main": os.getpid()}

    def faulty(*args, **kwargs):
        paths = [os.fspath(a) for a in args if isinstance(a, (str, bytes, os.PathLike))]
        paths = [p.decode() if isinstance(p, bytes) else p for p in paths]
        if os.getpid() == state["main"] and any(spec["match"] in p for p in paths):
            state["calls"] += 1
            if state["calls"] == spec["nth"]:
                kind, _, arg = spec["action"].partition(":")
                if kind == "errno":
                    code = getattr(errno, arg)
                    raise OSError(code, os.strerror(code), paths[0])
                if kind == "kill":
                    os.kill(os.getpid(), getattr(signal, arg))
                if kind == "raise":
                    raise RuntimeError("injected fault")
        return original(*args, **kwargs)

    setattr(module, name, faulty)


if _spec:
    _install(_spec)
"""


def shim_env(
    folder: Path, *, op: str, match: str, nth: int = 1, action: str = "errno:ENOSPC"
) -> dict[str, str]:
    """Write the shim into `folder`; the environment for run_cli/Popen that loads it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
    spec = {"op": op, "match": match, "nth": nth, "action": action}
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "GLOSSARY_FAULT": json.dumps(spec)}
