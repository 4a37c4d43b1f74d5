"""Check-worthiness data: loaders for the public releases (formats kept as published), grouped splits
(by debate or source, never by sentence) and ranking/classification metrics.

Nothing here needs PyTorch; the training code in :mod:`propscope.train.claims` builds on it.
"""
