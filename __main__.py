"""`python -m chartfile`."""

from chartfile.cli import main

main()
