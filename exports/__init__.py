"""Snapshots of the current view: data files now; static maps and HTML to follow."""
