"""tgreader: a terminal reader for tuyengiao.vn. The package root imports no UI."""

__version__ = "0.1.0"
__all__ = ["__version__"]
