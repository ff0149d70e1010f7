"""ssui: a terminal client for SharpSpring."""
__version__ = "0.1.0"
