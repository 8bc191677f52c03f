-- Every rejected source row with each reason, for the office to send back to the sender.

with

rejections as (

    select * from {{ ref('stg_ops__rejections') }}

)

select
    source,
    file_name,
    sheet,
    row_number,
    column_name,
    value,
    rule,
    message_vi,
    message_en,
    run_id,
    file_id
from rejections
