"""The render engine: Copier-format templates rendered in memory, written all or nothing."""

from backendkit.engine.template import RenderedFile, Template, load_template
from backendkit.engine.writer import write_tree

__all__ = ["RenderedFile", "Template", "load_template", "write_tree"]
