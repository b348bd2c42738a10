"""What every layer shares (numpy only, no Qt, nothing else of ours): errors, the frozen
parameter and view-settings dataclasses, feature names and columns, presets, progress
reports, note names and units for display.
"""
