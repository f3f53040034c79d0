"""ui/tasks: a worker's answer arriving after its receiver was deleted (the window closed during a
county computation) is dropped quietly, on the pool and inline."""

from __future__ import annotations

import shiboken6

from station_app.ui import tasks


def test_an_answer_for_a_deleted_relay_is_dropped(qapp, capfd):
    ran = []
    for fn in (lambda: ran.append(1) or 42, lambda: 1 / 0):
        relay = tasks._Relay()
        got = []
        relay.finished.connect(got.append)
        relay.failed.connect(got.append)
        task = tasks._Task(fn, relay)
        shiboken6.delete(relay)  # gone with the application while the work ran
        task.run()  # as the pool would: neither raises nor prints
        assert got == []
    assert ran == [1]
    err = capfd.readouterr().err
    assert "Signal source has been deleted" not in err and "Traceback" not in err


def test_an_answer_for_a_live_relay_arrives(qapp, qtbot):
    relay = tasks._Relay()
    with qtbot.waitSignal(relay.finished) as sig:
        tasks._Task(lambda: 42, relay).run()
    assert sig.args == [42]
