"""Money with ``Decimal`` only: parsing decimal strings, cents, per-line totals rounded half-up to the cent.

Amounts travel as decimal strings (``"1234.50"``) in JSON, as integer cents in the database; quantities
as thousandths, VAT rates as basis points. A float is refused wherever money or a quantity comes in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MILLI = Decimal("0.001")
MAX_CENTS = 10**13  # 100 billion: far above any real document, far below a BIGINT
MAX_MILLI = 10**12
MAX_DIGITS = 11  # integer digits of the largest accepted value (under 10**11)


class MoneyError(ValueError):
    """A value that is not an acceptable amount, quantity or rate (the message says why)."""


def parse_decimal(value: object, *, places: int, allow_negative: bool = False, allow_zero: bool = True) -> Decimal:
    """A decimal string (or an integer) with at most ``places`` decimals; floats are refused."""
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int)):
        raise MoneyError('Give it as a decimal string, e.g. "12.50".')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise MoneyError("Not a decimal number.") from None
    if not number.is_finite():
        raise MoneyError("Not a finite number.")
    if number and number.adjusted() >= MAX_DIGITS:  # no arithmetic first: 1E+999999 overflows the context
        raise MoneyError("Too large.")
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise MoneyError(f"At most {places} decimals.")
    if number < 0 and not allow_negative:
        raise MoneyError("Must not be negative.")
    if number == 0 and not allow_zero:
        raise MoneyError("Must be more than zero.")
    return number


def to_cents(amount: Decimal) -> int:
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    if abs(cents) >= MAX_CENTS:
        raise MoneyError("Too large.")
    return cents


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def format_cents(cents: int) -> str:
    """``"1234.50"``: the JSON form of an amount."""
    return str(from_cents(cents))


def to_milli(quantity: Decimal) -> int:
    milli = int((quantity / MILLI).to_integral_value(rounding=ROUND_HALF_UP))
    if milli >= MAX_MILLI:
        raise MoneyError("Too large.")
    return milli


def format_milli(milli: int) -> str:
    """A quantity without trailing zeros: ``"3"``, ``"1.5"``, ``"0.125"``."""
    value = (Decimal(milli) * MILLI).quantize(MILLI).normalize()
    return format(value, "f")


def rate_to_bp(rate: Decimal) -> int:
    """A VAT rate in percent (``"20"``, ``"5.5"``) as basis points (2000, 550)."""
    return int((rate * 100).to_integral_value(rounding=ROUND_HALF_UP))


def format_bp(bp: int) -> str:
    return format((Decimal(bp) / 100).normalize(), "f")


def round_cent(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    net_cents: int
    vat_cents: int
    total_cents: int


def line_amounts(quantity_milli: int, unit_price_cents: int, vat_rate_bp: int) -> LineAmounts:
    """Net = quantity x unit price and VAT = net x rate, each rounded half-up to the cent on the line."""
    quantity = Decimal(quantity_milli) * MILLI
    net = round_cent(quantity * from_cents(unit_price_cents))
    vat = round_cent(net * Decimal(vat_rate_bp) / Decimal(10000))
    net_cents, vat_cents = to_cents(net), to_cents(vat)
    return LineAmounts(net_cents, vat_cents, net_cents + vat_cents)


def sum_amounts(lines: list[LineAmounts]) -> LineAmounts:
    """A document's totals: the sums of its rounded lines (so the lines always add up to the total)."""
    return LineAmounts(
        sum(line.net_cents for line in lines),
        sum(line.vat_cents for line in lines),
        sum(line.total_cents for line in lines),
    )
