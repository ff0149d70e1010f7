"""The Textual app: screens, widgets, and the .tcss next to each of them.

Only this package imports textual, and not all of it: format, names, rows, related,
browse_state, sync_state and sample do not (a test holds them to it), so they can be tested
and reused without a terminal.
"""
