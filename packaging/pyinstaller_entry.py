"""Entry point of the frozen app (PyInstaller): the same ``main`` as the ``sonolens`` command."""

from sonolens.cli.main import main

raise SystemExit(main())
