"""`python -m glossary_site` runs the `glossary` command."""

from .cli import main

main()
