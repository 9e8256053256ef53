"""`python -m glossary_site` runs the `glossary` command."""

from glossary_site.cli import main

main()
