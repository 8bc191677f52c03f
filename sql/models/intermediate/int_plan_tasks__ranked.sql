{{ config(materialized='table') }}

-- Every progress report of every plan task, ranked per task_code: report_rank 1 = the report
-- that counts (latest report_date, then later file, then later row, then sheet name).
-- Earlier reports are kept as history.

{{ ranked_versions(
    ref('stg_raw__plan_tasks'),
    ['task_code'],
    order_by='report_date desc, ' ~ version_order(),
    rank_column='report_rank',
    count_column='report_count'
) }}
