"""Evaluation against real, human-labelled data: loaders for the datasets and the scorers."""
