"""Competence Framework Engine: competence frameworks as a graph.

The full Python API arrives with the bindings issue; this first version checks the shipped
catalog.

>>> import competence_engine
>>> competence_engine.validate_builtin()
[]
"""

from competence_engine._core import __version__, builtin_documents, validate_builtin

__all__ = ["__version__", "builtin_documents", "validate_builtin"]
