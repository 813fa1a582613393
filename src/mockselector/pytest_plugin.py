"""pytest plugin of mockselector (registered through the ``pytest11`` entry point)."""
