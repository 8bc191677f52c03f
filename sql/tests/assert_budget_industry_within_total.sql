{{ config(severity='warn') }}

-- Reconciliation (docs/sources.md#budget_revenue): in every month, the budget revenue collected from industry
-- cannot exceed the month's total non-state-sector revenue it is part of. Ingestion checks it
-- within a file; figures of one month sent in different files are only compared here.
-- A warning, not a build blocker: the office takes it up with the tax office.
-- Returns the months where industry > total.

select
    area_code,
    area_level,
    period,
    industry_revenue_mvnd,
    non_state_revenue_mvnd
from {{ ref('budget_by_month') }}
where industry_revenue_mvnd > non_state_revenue_mvnd
