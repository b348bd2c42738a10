"""Command line: `sonolens extract` (and, later, the window, `dataset`, `render`)."""
