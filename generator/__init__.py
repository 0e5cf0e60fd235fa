"""Knowledge base pipeline: guides (YAML) → catalogue → rendered pages | checks → findings | explain."""

__version__ = "0.1.0"
