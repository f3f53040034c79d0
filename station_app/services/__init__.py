"""Use cases over db + domain. They return frozen dataclasses and never import Qt."""
