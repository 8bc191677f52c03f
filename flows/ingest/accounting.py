"""Row accounting: every data row a sender sees is loaded, rejected or set aside, once.

A sheet's rows *as the sender sees them* are the rows below its header down to its last
non-blank row. Each of them ends up in exactly one place: loaded into ``raw``, rejected
with its reasons in ``ops.rejections``, or set aside as not data (a blank row, a grand
total, a subtotal, a repeated header). A file whose counts do not add up is rejected as an
internal error and nothing of it is loaded: a row must never vanish or count twice in
silence. The counts are kept per sheet in ``ops.file_sheets`` (``marts.file_sheets``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from schemas.messages import file_message


@dataclass
class RowAccount:
    """What became of the data rows of one sheet (or one batch of a large CSV)."""

    sheet: str | None
    seen: int = 0  # rows below the header, down to the last non-blank row
    loaded: int = 0
    rejected: int = 0  # distinct rows with at least one rejection
    blank: int = 0  # no value under any header (an STT number alone counts as blank)
    totals: int = 0  # grand total rows ("Tổng cộng"), checked against the data rows
    subtotals: int = 0  # "Cộng khu công nghiệp …" rows without a key
    headers: int = 0  # the header repeated below itself (a printed page's header)

    @property
    def set_aside(self) -> int:
        return self.blank + self.totals + self.subtotals + self.headers

    @property
    def balanced(self) -> bool:
        return self.seen == self.loaded + self.rejected + self.set_aside

    def __add__(self, other: RowAccount) -> RowAccount:
        """Batches of one sheet added up."""
        return RowAccount(
            self.sheet,
            *(
                getattr(self, f.name) + getattr(other, f.name)
                for f in fields(self)
                if f.name != "sheet"
            ),
        )

    def describe(self) -> str:
        return (
            f"{self.seen} = {self.loaded} + {self.rejected} + {self.set_aside} "
            f"(seen = loaded + rejected + set aside)"
        )


def unbalanced(accounts: list[RowAccount]) -> str | None:
    """The internal-error reason of a file whose rows do not add up, or None."""
    wrong = [a for a in accounts if not a.balanced]
    if not wrong:
        return None
    detail = "; ".join(f"{a.sheet or 'CSV'}: {a.describe()}" for a in wrong)
    return file_message("internal_error", f"row accounting: {detail}")


def total(accounts: list[RowAccount]) -> RowAccount:
    """The file's counts, all its sheets together."""
    result = RowAccount(None)
    for account in accounts:
        result = result + account
    return result
