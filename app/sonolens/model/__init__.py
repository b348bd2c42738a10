"""State on the GUI thread (QtCore only, no widgets; DESIGN §3).

``document``: the open recording, its parameters, view settings and the results computed
from it, held by key with one ``result_changed(key)`` (``results``: the keys and how each
is accepted), one past-tense signal per change; ``settings`` (+ ``settings_file``): the
choices remembered between sessions (QSettings), stored as values and read defensively.
"""
