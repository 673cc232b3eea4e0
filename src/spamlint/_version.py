"""The package version, in a module of its own so that modules inside spamlint need not import the public API."""

__version__ = "0.1.0"
