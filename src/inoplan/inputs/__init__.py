"""Typed input: options, CSV rows, saved plans and event files become domain requests."""
