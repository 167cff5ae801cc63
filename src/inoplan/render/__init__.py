"""Views for a terminal (Rich) and progress bars; imported only by commands that draw."""
