"""The tools package sits below the library API: importing it never pulls in `reelchat.studio`."""

import pkgutil
import subprocess
import sys

import reelchat.tools


def test_importing_every_tools_module_does_not_import_the_studio():
    modules = [m.name for m in pkgutil.walk_packages(reelchat.tools.__path__, "reelchat.tools.")]
    assert modules, "reelchat.tools has no modules to check"
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "wrappers = ('reelchat.studio', 'reelchat.agent_tools')\n"
        "print(','.join(sorted(m for m in sys.modules if m in wrappers)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"reelchat.tools imported {result.stdout.strip()}"
