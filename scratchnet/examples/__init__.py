"""Runnable examples from the seed tutorials."""
