-- Every rejected source row with each reason and the area of its file (NULL: a file in no area),
-- for the office to send back to the sender.

with

rejections as (

    select * from {{ ref('stg_ops__rejections') }}

),

files as (

    select
        file_id,
        area_code
    from {{ ref('stg_ops__files') }}

)

select
    files.area_code,
    rejections.source,
    rejections.file_name,
    rejections.sheet,
    rejections.row_number,
    rejections.column_name,
    rejections.value,
    rejections.rule,
    rejections.message_vi,
    rejections.message_en,
    rejections.run_id,
    rejections.file_id
from rejections
left join files
    on rejections.file_id = files.file_id
