"""Duty rota of the 代表活动日: who receives voters on which activity day.

Pure Python: no Qt, no database, no I/O.

:func:`assign_rota` puts ``per_day`` deputies on each activity day, fairly over the year:

1. Every day gets ``min(per_day, deputies available that day)`` deputies (a shortfall is warned).
2. Days are filled in date order, each time taking the available deputies with the fewest
   turns so far (``previous_counts`` included), ties broken by fewer remaining available days,
   then by the order of ``deputies`` (the caller's stable order). With everyone available
   this is a plain round robin.
3. Unavailability can defeat the greedy pass, so it is then balanced: while some deputy *u*
   can take a day from *x1*, who takes a day from *x2*, … down to a deputy *v* with at least
   two turns more than *u*, that chain is applied (it keeps every day's size and availability).
   When no such chain is left the turns are as even as the constraints allow: the largest count
   is as small, and the smallest as large, as any valid rota can make them. If they still differ
   by more than one a Chinese warning says so and names who is affected.
4. Manual swaps (A replaces B on D) are applied last, in the given order, touching nothing else,
   so a published rota only changes where the clerk changed it. A swap that cannot apply
   (B not on duty that day, A already on duty) is reported, not dropped silently; a swap that
   brings in a deputy who registered as unavailable is applied with a warning (the clerk's call).

Everything is deterministic: the same input gives the same rota.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from station_app.domain.schedule import format_date


@dataclass(frozen=True)
class Swap:
    """On ``date``, deputy ``in_uid`` (A) takes the place of ``out_uid`` (B)."""

    date: dt.date
    out_uid: str
    in_uid: str
    reason: str = ""


@dataclass(frozen=True)
class RotaResult:
    """``assignments``: each activity day (in date order) → the deputies on duty, in the stable
    order of the input (a swapped-in deputy takes the place of the one replaced).
    ``counts``: turns in this rota per deputy (after swaps, zeros included). ``totals``:
    ``previous_counts`` + ``counts``. ``swaps_applied``: the swaps that took effect."""

    assignments: dict[dt.date, tuple[str, ...]]
    counts: dict[str, int]
    totals: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    swaps_applied: list[Swap] = field(default_factory=list)

    def on_duty(self, day: dt.date) -> tuple[str, ...]:
        """The uids of the deputies on duty on ``day``."""
        return self.assignments.get(day, ())

    def days_of(self, uid: str) -> list[dt.date]:
        """The days the deputy ``uid`` is on duty."""
        return [d for d, uids in self.assignments.items() if uid in uids]


def _names(uids: Iterable[str], names: Mapping[str, str], limit: int = 5) -> str:
    uids = list(uids)
    shown = "、".join(names.get(u, u) for u in uids[:limit])
    return shown + (f"等{len(uids)}人" if len(uids) > limit else "")


def _balance(order: Mapping[str, int], assigned: dict[dt.date, set[str]],
             can: Mapping[str, Sequence[dt.date]], load: dict[str, int]) -> None:
    """Apply improving chains until none is left (see the module docstring, step 3)."""
    while True:
        for level in sorted(set(load.values())):
            sources = sorted((u for u in load if load[u] == level), key=order.__getitem__)
            parent: dict[str, tuple[str, dt.date] | None] = {u: None for u in sources}
            queue = deque(sources)
            best: str | None = None
            while queue:
                x = queue.popleft()
                for d in can[x]:
                    if x in assigned[d]:
                        continue
                    for y in sorted(assigned[d], key=order.__getitem__):
                        if y in parent:
                            continue
                        parent[y] = (x, d)
                        queue.append(y)
                        if load[y] >= level + 2 and (best is None or load[y] > load[best]):
                            best = y
            if best is not None:
                y = best
                load[y] -= 1
                while (link := parent[y]) is not None:
                    x, d = link
                    assigned[d].remove(y)
                    assigned[d].add(x)
                    y = x
                load[y] += 1
                break
        else:
            return


def assign_rota(days: Iterable[dt.date], deputies: Sequence[str], per_day: int,
                unavailable: Mapping[str, Iterable[dt.date]] | None = None,
                previous_counts: Mapping[str, int] | None = None,
                swaps: Iterable[Swap] = (), *,
                names: Mapping[str, str] | None = None) -> RotaResult:
    """Assign *per_day* of *deputies* (uids, in a stable order) to each of *days*.

    *unavailable* maps a uid to the dates that deputy cannot come; *previous_counts* holds turns
    already served this year (they count towards fairness); *swaps* are applied last; *names*
    (uid → name) only make the warnings readable. Raises ``ValueError`` for a *per_day* below 1
    or a uid listed twice.
    """
    if not isinstance(per_day, int) or isinstance(per_day, bool) or per_day < 1:
        raise ValueError(f"每个活动日的值班人数至少为1，而不是 {per_day!r}")
    deputies = list(deputies)
    if len(set(deputies)) != len(deputies):
        raise ValueError("代表名单中有重复")
    names = dict(names or {})
    unavailable = {u: set(ds) for u, ds in (unavailable or {}).items()}
    previous = dict(previous_counts or {})
    day_list = sorted(set(days))
    order = {u: i for i, u in enumerate(deputies)}
    warnings: list[str] = []

    can = {u: [d for d in day_list if d not in unavailable.get(u, ())] for u in deputies}
    remaining = {u: len(can[u]) for u in deputies}
    load = {u: int(previous.get(u, 0)) for u in deputies}
    assigned: dict[dt.date, set[str]] = {}

    if not deputies and day_list:
        warnings.append("没有可安排值班的代表，请先在代表名单中添加在任代表")
    for d in day_list:
        free = [u for u in deputies if d not in unavailable.get(u, ())]
        if deputies and len(free) < per_day:
            if free:
                warnings.append(f"{format_date(d)}只有{len(free)}位代表可以参加，少于每次{per_day}人")
            else:
                warnings.append(f"{format_date(d)}没有代表可以参加，当天无人值班")
        chosen = sorted(free, key=lambda u: (load[u], remaining[u], order[u]))[:per_day]
        assigned[d] = set(chosen)
        for u in chosen:
            load[u] += 1
        for u in free:
            remaining[u] -= 1

    _balance(order, assigned, can, load)

    if len(deputies) > 1:
        high, low = max(load.values()), min(load.values())
        if high - low > 1:
            most = [u for u in deputies if load[u] == high]
            least = [u for u in deputies if load[u] == low]
            basis = "（含此前已值班次数）" if any(previous.get(u) for u in deputies) else ""
            warnings.append(f"受代表不能参加的日期所限，无法让每位代表的值班次数相差不超过1次{basis}："
                            f"最多{high}次（{_names(most, names)}），最少{low}次（{_names(least, names)}）")

    rota: dict[dt.date, list[str]] = {d: sorted(assigned[d], key=order.__getitem__) for d in day_list}
    applied: list[Swap] = []
    for swap in swaps:
        a, b = names.get(swap.in_uid, swap.in_uid), names.get(swap.out_uid, swap.out_uid)
        when = format_date(swap.date)
        on_day = rota.get(swap.date)
        if swap.in_uid == swap.out_uid:
            continue
        if on_day is None:
            warnings.append(f"{when}不是活动日，{a}替换{b}的调换未生效")
        elif swap.out_uid not in on_day:
            warnings.append(f"{b}不在{when}值班，{a}替换{b}的调换未生效")
        elif swap.in_uid in on_day:
            warnings.append(f"{a}已在{when}值班，{a}替换{b}的调换未生效")
        else:
            on_day[on_day.index(swap.out_uid)] = swap.in_uid
            applied.append(swap)
            if swap.date in unavailable.get(swap.in_uid, ()):
                warnings.append(f"{a}登记了{when}不能参加，已按手动调换安排，请确认")

    counts = {u: 0 for u in deputies}
    for uids in rota.values():
        for u in uids:
            counts[u] = counts.get(u, 0) + 1
    totals = {u: int(previous.get(u, 0)) + n for u, n in counts.items()}
    return RotaResult({d: tuple(uids) for d, uids in rota.items()}, counts, totals, warnings, applied)


__all__ = ["RotaResult", "Swap", "assign_rota"]
