-- The account of every sheet read: each row the sender sees is loaded, rejected or set aside.

with

sheets as (

    select * from {{ ref('stg_ops__file_sheets') }}

),

files as (

    select * from {{ ref('stg_ops__files') }}

)

select
    files.area_code,
    files.source,
    files.file_name,
    files.sha256,
    files.first_run_id as run_id,
    sheets.sheet_no,
    sheets.sheet,
    sheets.rows_seen,
    sheets.rows_loaded,
    sheets.rows_rejected,
    sheets.rows_blank,
    sheets.rows_total,
    sheets.rows_subtotal,
    sheets.rows_repeated_header,
    sheets.rows_blank + sheets.rows_total + sheets.rows_subtotal
    + sheets.rows_repeated_header as rows_set_aside
from sheets
inner join files on sheets.file_id = files.file_id
