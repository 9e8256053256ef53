"""glossary-site: a static site generator for glossary websites."""

__version__ = "0.1.0"
