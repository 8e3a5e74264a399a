"""Jobs that read projections and act through protocols the scheduler defines (STYLE.md §2)."""
