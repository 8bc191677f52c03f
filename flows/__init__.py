"""vlpipe: the Vĩnh Linh industrial-plan pipeline (see README.md)."""

import os

# polars allocates with jemalloc, which by default keeps freed pages for 10 s before giving
# them back: reading a large file batch after batch, that retention alone doubled the peak
# memory (measured: 2.4 → 1.3 GB on a 540 MB file, same speed). Give them back after 1 s.
# It must be set before polars is first imported; an explicit setting is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:0")
