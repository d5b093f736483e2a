"""One search interface over resources, practices and work-plan activities (issue 3 §4)."""
