"""`python -m spamlint` runs the command line."""

from spamlint.cli import main

main()
