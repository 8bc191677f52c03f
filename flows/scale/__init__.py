"""The scale-out mode (README "Scaling out"): areas ingested in parallel by Prefect workers
into a DuckLake catalog on PostgreSQL, one writer that builds, audits and publishes.

``lake`` (the DuckLake catalog), ``claims`` (the shared file ledger in PostgreSQL),
``area_run`` (the child flow a worker runs), ``fan_out`` (starting the child runs),
``writer`` (the writer's copy, publication and tidying) and ``scaled`` (the steps the
nightly flow calls).
"""
