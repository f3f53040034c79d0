"""Duty rota of the 代表活动日 (station_app.domain.rota)."""

import datetime as dt
import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from station_app.domain.rota import Swap, assign_rota

D = dt.date
START = D(2025, 1, 1)


def _spread(result):
    totals = list(result.totals.values())
    return max(totals) - min(totals) if totals else 0


def _check_consistent(result, days, deputies, per_day, unavailable):
    assert list(result.assignments) == sorted(set(days))
    for d, uids in result.assignments.items():
        assert len(uids) == len(set(uids)), "a deputy twice on one day"
        free = [u for u in deputies if d not in unavailable.get(u, ())]
        assert all(u in free for u in uids), "an unavailable deputy on duty"
        assert len(uids) == min(per_day, len(free))
    recount = {u: sum(u in uids for uids in result.assignments.values()) for u in deputies}
    assert result.counts == recount


day_sets = st.sets(st.integers(0, 364), min_size=12, max_size=52).map(
    lambda offsets: sorted(START + dt.timedelta(days=o) for o in offsets))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 60), st.integers(1, 5), day_sets)
def test_everyone_available_is_fair_full_and_without_warnings(n, per_day, days):
    deputies = [f"d{i:02d}" for i in range(n)]
    result = assign_rota(days, deputies, per_day, {}, None, [])
    _check_consistent(result, days, deputies, per_day, {})
    assert _spread(result) <= 1
    assert result.totals == result.counts
    assert sum(result.counts.values()) == len(days) * min(per_day, n)
    assert (result.warnings == []) == (n >= per_day)
    assert assign_rota(days, deputies, per_day, {}, None, []) == result  # deterministic


@settings(max_examples=150, deadline=None)
@given(st.data(), st.integers(1, 60), st.integers(1, 5), day_sets)
def test_random_unavailability_is_respected(data, n, per_day, days):
    deputies = [f"d{i:02d}" for i in range(n)]
    unavailable = {u: set(data.draw(st.lists(st.sampled_from(days), max_size=len(days)))) for u in deputies}
    result = assign_rota(days, deputies, per_day, unavailable)
    _check_consistent(result, days, deputies, per_day, unavailable)
    short = [d for d in days if sum(d not in unavailable[u] for u in deputies) < per_day]
    assert sum("少于每次" in w or "没有代表可以参加" in w for w in result.warnings) == len(short)
    assert any("相差不超过1次" in w for w in result.warnings) == (_spread(result) > 1)


def _best_spread(days, deputies, per_day, unavailable, previous):
    """Brute force: the smallest max−min of totals over every valid rota."""
    choices = []
    for d in days:
        free = [u for u in deputies if d not in unavailable[u]]
        choices.append(list(itertools.combinations(free, min(per_day, len(free)))))
    best = None
    for pick in itertools.product(*choices):
        totals = dict(previous)
        for group in pick:
            for u in group:
                totals[u] += 1
        spread = max(totals.values()) - min(totals.values())
        best = spread if best is None else min(best, spread)
    return best


masks = st.lists(st.integers(0, 31), min_size=4, max_size=4)   # bit i: unavailable on day i
small_counts = st.lists(st.integers(0, 3), min_size=4, max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 5), masks, small_counts)
# two cases where filling day by day alone is not the fairest (found by random search)
@example(3, 2, 4, [0, 0, 0b1100, 0], [0, 0, 1, 0])
@example(4, 3, 4, [0b1100, 0b0100, 0b1010, 0], [1, 0, 2, 1])
def test_as_fair_as_any_valid_rota_can_be(n, per_day, n_days, unavailable_masks, previous_counts):
    deputies = [f"d{i}" for i in range(n)]
    days = [START + dt.timedelta(days=7 * i) for i in range(n_days)]
    unavailable = {u: {d for i, d in enumerate(days) if unavailable_masks[k] >> i & 1} for k, u in enumerate(deputies)}
    previous = dict(zip(deputies, previous_counts[:n], strict=True))
    result = assign_rota(days, deputies, per_day, unavailable, previous)
    _check_consistent(result, days, deputies, per_day, unavailable)
    assert _spread(result) == _best_spread(days, deputies, per_day, unavailable, previous)


def test_greedy_order_does_not_cost_fairness():
    # A cannot come on the last two days. Filling day by day would give A one turn and B three;
    # the balancing pass hands A the second day instead.
    days = [D(2025, 1, 7), D(2025, 2, 4), D(2025, 3, 4), D(2025, 4, 1)]
    result = assign_rota(days, ["A", "B"], 1, {"A": {days[2], days[3]}})
    assert result.assignments == {days[0]: ("A",), days[1]: ("A",), days[2]: ("B",), days[3]: ("B",)}
    assert result.counts == {"A": 2, "B": 2} and result.warnings == []


def test_round_robin_in_the_given_order():
    days = [D(2025, m, 15) for m in range(1, 7)]
    result = assign_rota(days, ["c", "a", "b"], 2)
    assert list(result.assignments.values()) == [("c", "a"), ("c", "b"), ("a", "b")] * 2
    assert result.days_of("a") == [days[0], days[2], days[3], days[5]]
    assert result.on_duty(days[1]) == ("c", "b") and result.on_duty(D(2025, 1, 1)) == ()


def test_previous_counts_are_caught_up():
    days = [D(2025, 7, 1) + dt.timedelta(days=7 * i) for i in range(6)]
    result = assign_rota(days, ["A", "B", "C"], 1, previous_counts={"A": 3, "X": 9})
    assert result.counts == {"A": 0, "B": 3, "C": 3}
    assert result.totals == {"A": 3, "B": 3, "C": 3}


def test_impossible_fairness_is_said_plainly_with_names():
    days = [D(2025, m, 15) for m in range(1, 5)]
    result = assign_rota(days, ["A", "B", "C"], 2, {"A": set(days)}, names={"A": "张三", "B": "李四", "C": "王五"})
    assert result.counts == {"A": 0, "B": 4, "C": 4}
    assert result.warnings == ["受代表不能参加的日期所限，无法让每位代表的值班次数相差不超过1次：最多4次（李四、王五），最少0次（张三）"]


def test_a_day_with_too_few_deputies_is_reported():
    days = [D(2025, 3, 4), D(2025, 4, 1)]
    result = assign_rota(days, ["A", "B", "C"], 2, {"A": {days[0]}, "B": {days[0]}, "C": {days[1]}})
    assert result.assignments == {days[0]: ("C",), days[1]: ("A", "B")}
    assert result.warnings == ["2025年3月4日只有1位代表可以参加，少于每次2人"]
    nobody = assign_rota(days, ["A"], 1, {"A": {days[0]}})
    assert nobody.assignments[days[0]] == ()
    assert nobody.warnings == ["2025年3月4日没有代表可以参加，当天无人值班"]


def test_no_deputies_at_all():
    result = assign_rota([D(2025, 3, 4)], [], 2)
    assert result.assignments == {D(2025, 3, 4): ()} and result.counts == {}
    assert "没有可安排值班的代表" in result.warnings[0]


def test_days_are_sorted_and_deduplicated():
    result = assign_rota([D(2025, 4, 1), D(2025, 3, 4), D(2025, 4, 1)], ["A", "B"], 1)
    assert result.assignments == {D(2025, 3, 4): ("A",), D(2025, 4, 1): ("B",)}


@pytest.mark.parametrize("per_day", [0, -1, 1.5, True])
def test_per_day_must_be_a_positive_int(per_day):
    with pytest.raises(ValueError):
        assign_rota([D(2025, 3, 4)], ["A"], per_day)


def test_duplicate_deputies_are_refused():
    with pytest.raises(ValueError, match="重复"):
        assign_rota([D(2025, 3, 4)], ["A", "A"], 1)


def test_swaps_are_applied_last_and_touch_nothing_else():
    days = [D(2025, m, 15) for m in range(1, 7)]
    deputies = ["A", "B", "C", "D"]
    plain = assign_rota(days, deputies, 2)
    assert plain.on_duty(days[0]) == ("A", "B")
    swap = Swap(days[0], out_uid="A", in_uid="D", reason="A外出学习")
    result = assign_rota(days, deputies, 2, swaps=[swap])
    assert result.on_duty(days[0]) == ("D", "B")       # D takes A's place
    assert {d: u for d, u in result.assignments.items() if d != days[0]} == \
           {d: u for d, u in plain.assignments.items() if d != days[0]}
    assert result.counts["A"] == plain.counts["A"] - 1 and result.counts["D"] == plain.counts["D"] + 1
    assert result.swaps_applied == [swap] and result.warnings == []
    # kept: regenerating with the same swaps gives the same rota
    assert assign_rota(days, deputies, 2, swaps=[swap]) == result


def test_swaps_chain_in_order_and_may_bring_in_someone_outside_the_list():
    day = D(2025, 3, 4)
    result = assign_rota([day], ["A", "B"], 1, swaps=[Swap(day, "A", "B"), Swap(day, "B", "Z")],
                         previous_counts={"Z": 2})
    assert result.on_duty(day) == ("Z",)
    assert result.counts == {"A": 0, "B": 0, "Z": 1} and result.totals["Z"] == 3


def test_swaps_that_cannot_apply_are_reported():
    days = [D(2025, 3, 4), D(2025, 4, 1)]
    names = {"A": "张三", "B": "李四", "C": "王五"}
    swaps = [Swap(D(2025, 3, 5), "A", "C"),   # not an activity day
             Swap(days[0], "C", "B"),          # C is not on duty that day
             Swap(days[0], "A", "B"),          # B is already on duty
             Swap(days[0], "A", "A")]          # no-op
    result = assign_rota(days, ["A", "B", "C"], 2, swaps=swaps, names=names)
    assert result.on_duty(days[0]) == ("A", "B") and result.swaps_applied == []
    assert result.warnings == ["2025年3月5日不是活动日，王五替换张三的调换未生效",
                               "王五不在2025年3月4日值班，李四替换王五的调换未生效",
                               "李四已在2025年3月4日值班，李四替换张三的调换未生效"]


def test_a_swap_bringing_in_an_unavailable_deputy_is_the_clerks_call():
    day = D(2025, 3, 4)
    result = assign_rota([day], ["A", "B"], 1, {"B": {day}}, swaps=[Swap(day, "A", "B")])
    assert result.on_duty(day) == ("B",)
    assert result.warnings == ["B登记了2025年3月4日不能参加，已按手动调换安排，请确认"]
