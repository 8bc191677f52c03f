"""A reproducible corpus of broken input files and the outcome each must have."""
