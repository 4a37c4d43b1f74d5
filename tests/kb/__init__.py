"""Knowledge-base tests."""
