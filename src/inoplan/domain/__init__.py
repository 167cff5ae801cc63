"""The label and the planner, pure: rules as data and the code that applies them."""
