"""The rule corpus: schema, loader (YAML + CEL compiled once) and linter."""

from .loader import CompiledProvision, Corpus, default_rules_path, load_corpus
from .schema import Provision

__all__ = ["CompiledProvision", "Corpus", "Provision", "default_rules_path", "load_corpus"]
