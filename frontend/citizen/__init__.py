"""The shared citizen app's pages."""
