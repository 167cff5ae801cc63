"""Whole tasks from the domain and the inputs (batch, worklist, verify): no terminal."""
