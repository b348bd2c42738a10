"""The plots of the main window, each a pyqtgraph PlotItem fed from the Document."""
