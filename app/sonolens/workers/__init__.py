"""workers layer (see DESIGN §3); filled by the window issue."""
