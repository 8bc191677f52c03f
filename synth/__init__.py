"""Seeded sample-data generator for vlpipe (Vĩnh Linh 2021–2022 and January–June 2023, or a
province of several such areas) and its ground truth."""

from .core import generate
from .province import Area, Province, generate_province
from .truth import BadRow, FileInfo, Truth

__all__ = ["Area", "BadRow", "FileInfo", "Province", "Truth", "generate", "generate_province"]
