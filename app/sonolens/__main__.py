"""`python -m sonolens` runs the command line."""

from sonolens.cli.main import main

raise SystemExit(main())
