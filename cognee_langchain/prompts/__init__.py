"""Prompts sent to chat models, kept apart from the code that sends them."""
