"""Checking numbers: comparing traces (diff), and replaying them to explain a difference."""
