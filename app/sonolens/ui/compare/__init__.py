"""Compare two recordings: stacked and aligned, their difference, A/B listening."""
