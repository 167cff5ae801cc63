"""Re-planning: the events of a course and the engine that applies them."""
