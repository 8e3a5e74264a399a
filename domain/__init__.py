"""The pure domain of sykefraværsoppfølging: commands, events, rules and timelines.

Nothing here reads the clock, the machine's time zone or does I/O (STYLE.md §2).
"""
