"""Shared fixtures. Each layer's own fixtures live in its folder's conftest.py."""
