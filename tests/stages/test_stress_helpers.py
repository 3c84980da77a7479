"""The `stress` helpers on the runtime itself, outside any grading: what a failing round says."""

import json
import subprocess
import textwrap

from grader.sandbox import CHILD_DIR

ONE_THREAD_RAISES_THE_OTHERS_BLOCK = textwrap.dedent("""
    import json, sys, threading, time
    sys.path.insert(0, sys.argv[1])
    from grade_child.stress import Stress

    stress = Stress(threads=8, rounds=1, seed=1, time_left=lambda: 60.0)
    never = threading.Event()

    def work(index):
        if index == 0:
            raise ValueError("pool handed out an object twice")
        never.wait(60)  # what a student's pool does to the others once one thread broke it

    started = time.monotonic()
    try:
        stress.run(work)
        message = None
    except AssertionError as exc:
        message = str(exc)
    print(json.dumps({"message": message, "seconds": time.monotonic() - started}))
    never.set()
""")


def test_a_thread_that_raises_fails_the_round_without_waiting_for_threads_it_left_blocked(runtime):
    done = subprocess.run(
        [str(runtime.executable), "-I", "-c", ONE_THREAD_RAISES_THE_OTHERS_BLOCK, str(CHILD_DIR)],
        capture_output=True, text=True, timeout=120, check=True,
    )
    report = json.loads(done.stdout)
    assert report["message"] == "thread 0 raised ValueError: pool handed out an object twice"
    # The test's time left is 60 s: failing with thread 0's error well before it means the
    # round did not wait for the seven threads that will never finish.
    assert report["seconds"] < 30, report
