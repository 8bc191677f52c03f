"""Seeded sample-data generator for vlpipe (Vĩnh Linh 2021–2022 and January–June 2023) and
its ground truth."""

from .core import generate
from .truth import BadRow, FileInfo, Truth

__all__ = ["BadRow", "FileInfo", "Truth", "generate"]
