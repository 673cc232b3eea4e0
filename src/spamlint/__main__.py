"""`python -m spamlint` runs the command line."""

from .cli import main

main()
