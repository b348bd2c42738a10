"""Command line ``sonolens``: argparse front end and the headless commands.

``main`` dispatches (no subcommand: the window); ``extract`` writes per-frame features as
CSV, ``dataset`` one row of statistics per file, ``render`` spectrogram pictures (PNG) and
matrices (NPZ). ``options`` holds the librosa-named analysis options they share, ``report``
the ``error:``/``warning:`` messages and progress on stderr. Qt is imported lazily, only by
the commands that draw (the window, ``render``); ``extract`` and ``dataset`` never load it.
"""
