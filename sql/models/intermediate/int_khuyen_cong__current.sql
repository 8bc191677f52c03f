-- Current version of every khuyến công scheme row, with the legal machinery cap
-- (vars kc_machinery_cap_share of the scheme cost and kc_machinery_cap_vnd per facility) and
-- the commune version its commune_code referred to at the decision date (in its area's list).

{%- set machinery_types = "'" ~ var('kc_machinery_support_types') | join("', '") ~ "'" %}

with

schemes as (

    select * from {{ ref('int_khuyen_cong__ranked') }}
    where is_current

),

communes as (

    select
        area_code,
        commune_code,
        valid_from,
        valid_to
    from {{ ref('int_communes__current') }}

),

capped as (

    select
        schemes.* exclude (is_current, version_rank),
        cast(year(schemes.decision_date) as integer) as decision_year,
        cast(year(schemes.disbursement_date) as integer) as disbursement_year,
        schemes.support_type in ({{ machinery_types }}) as is_machinery_support,
        case
            when schemes.support_type in ({{ machinery_types }})
                then least(
                    coalesce(
                        schemes.scheme_cost_vnd * {{ var('kc_machinery_cap_share') }},
                        {{ var('kc_machinery_cap_vnd') }}
                    ),
                    {{ var('kc_machinery_cap_vnd') }}
                )
        end as machinery_cap_vnd,
        communes.valid_from as commune_valid_from

    from schemes
    left join communes
        on
            schemes.area_code = communes.area_code
            and schemes.commune_code = communes.commune_code
            and schemes.decision_date >= communes.valid_from
            and (communes.valid_to is null or schemes.decision_date <= communes.valid_to)

)

select
    *,
    coalesce(approved_amount_vnd > machinery_cap_vnd, false) as over_machinery_cap
from capped
