"""Strategy: discount functions, and a Checkout whose strategy can be swapped.

Every expected total is at least 0.1 cent away from a half cent, so any usual rounding to the
nearest cent gives the same answer; totals are compared within 1e-9.
"""

import pytest

CLOSE = 1e-9


@pytest.mark.parametrize(
    "name, price, expected",
    [
        ("no_discount", 80.0, 80.0), ("no_discount", 12.5, 12.5),
        ("sale_discount", 80.0, 72.0), ("sale_discount", 12.5, 11.25),
        ("member_discount", 80.0, 64.0), ("member_discount", 12.5, 10.0),
    ],
)
def test_discount_functions_take_the_right_share_off(submission, name, price, expected):
    got = getattr(submission, name)(price)
    assert got == pytest.approx(expected, abs=CLOSE), (
        f"{name}({price}) returned {got!r}; expected {expected} "
        "(sale_discount takes 10% off, member_discount 20%, no_discount nothing)"
    )


def test_checkout_without_a_strategy_charges_full_price(submission):
    got = submission.Checkout().total([19.99, 5.01])
    assert isinstance(got, float), f"Checkout().total(...) returned a {type(got).__name__}; expected a float"
    assert got == pytest.approx(25.0, abs=CLOSE), (
        f"Checkout().total([19.99, 5.01]) returned {got!r}; with the default strategy "
        "(no_discount) it is 25.0"
    )


def test_checkout_takes_its_strategy_by_keyword_and_by_position(submission):
    prices = [19.99, 5.01]
    by_keyword = submission.Checkout(strategy=submission.sale_discount).total(prices)
    by_position = submission.Checkout(submission.member_discount).total(prices)
    assert by_keyword == pytest.approx(22.5, abs=CLOSE), (
        f"Checkout(strategy=sale_discount).total([19.99, 5.01]) returned {by_keyword!r}; expected 22.5"
    )
    assert by_position == pytest.approx(20.0, abs=CLOSE), (
        f"Checkout(member_discount).total([19.99, 5.01]) returned {by_position!r}; expected 20.0"
    )


def test_the_strategy_can_be_swapped_on_an_existing_checkout(submission):
    checkout = submission.Checkout()
    prices = [19.99, 5.01]
    totals = []
    for strategy in (submission.member_discount, submission.sale_discount, submission.no_discount):
        checkout.strategy = strategy
        assert checkout.strategy is strategy, "checkout.strategy does not read back what was set"
        totals.append(checkout.total(prices))
    assert totals == [pytest.approx(t, abs=CLOSE) for t in (20.0, 22.5, 25.0)], (
        f"setting checkout.strategy to member_discount, sale_discount, no_discount in turn gave "
        f"the totals {totals!r}; expected [20.0, 22.5, 25.0]: total() must use the strategy "
        "set at the time it is called"
    )


def test_any_function_from_price_to_price_is_a_strategy(submission):
    def two_off(price):
        return price - 2.0

    got = submission.Checkout(two_off).total([10.0, 20.0, 30.5])
    assert got == pytest.approx(54.5, abs=CLOSE), (
        f"Checkout(two_off).total([10.0, 20.0, 30.5]) with two_off(p) = p - 2 returned {got!r}; "
        "expected 54.5: total() applies the strategy to each price and adds them up"
    )


def test_the_total_is_rounded_to_cents(submission):
    def a_third_off(price):
        return price * 0.66666

    got = submission.Checkout(a_third_off).total([10.0])
    assert got == pytest.approx(6.67, abs=CLOSE), (
        f"Checkout(s).total([10.0]) with s(10.0) = 6.6666 returned {got!r}; the total must "
        "be rounded to cents: 6.67"
    )


def test_the_total_is_rounded_once_not_each_price(submission):
    def a_third(price):
        return price / 3

    got = submission.Checkout(a_third).total([10.0, 10.0, 10.0, 10.0])
    assert got == pytest.approx(13.33, abs=CLOSE), (
        f"Checkout(s).total([10.0] * 4) with s(p) = p / 3 returned {got!r}; the sum "
        "13.3333... rounds to 13.33. Round the total once, at the end: rounding each price "
        "first (3.33 * 4 = 13.32) lets the cents drift"
    )


def test_an_empty_basket_costs_nothing(submission):
    got = submission.Checkout(submission.sale_discount).total([])
    assert got == 0, f"Checkout(sale_discount).total([]) returned {got!r}; expected 0"
