"""Everything drawn (QtWidgets + pyqtgraph; DESIGN §3).

The main window (``main_window``, assembled from ``window_layout``, ``view_binder``,
``transport``, ``menus``, ``status_bar``, ``theme_switch``) and its start-up (``app``,
with the Qt set-up shared with ``sonolens render`` in ``qt_setup``), the plots on one time
axis (``views/``), the docks (settings with presets, selection, spectrum), every action
and shortcut (``actions``), keyboard navigation, playback control, the cursor readout,
themes and colormaps, exports and Batch Export, Copy as Python, and the PNG rendering
shared with ``sonolens render`` (``render``). Dialogs and error messages are shown only
here.
"""
