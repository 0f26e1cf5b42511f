"""Policy rules: small functions that read a validated record and a profile and yield findings.

Each rule declares the JSON Pointers it reads. A rule runs when every section it reads is in scope
(the kind's sections, or all of them for a packet) and none of its inputs has a schema error, so a
broken field yields one clear schema finding rather than a cascade.
"""

from docgen.check.registry import run_rules

__all__ = ["run_rules"]
