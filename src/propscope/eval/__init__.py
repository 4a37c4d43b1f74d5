"""Official metrics and benchmark adapters."""
