"""Errors, parameter dataclasses and names shared by every layer (numpy only, no Qt)."""
