"""`make bench`: vlpipe's ingestion and nightly run measured against bare DuckDB and dlt.

Entry point: ``python -m bench.run`` (see bench/run.py). Each measured stage runs in its own
process (bench/stages.py) so that its wall time and the peak memory of its process tree are
its own.
"""
