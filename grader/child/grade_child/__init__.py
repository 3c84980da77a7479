"""The grader's side inside the runtime: pytest on the hidden suite, one JSON record per event.

Runs under the free-threaded interpreter, in the sandbox, next to the student's code, so it
imports only the standard library and pytest. It never scores: the parent decides what each
record is worth. One module per job:

- `records`: the record writer, on a descriptor of its own (never stdout).
- `submission`: loading the student's module; describing why it does not import.
- `stress`: barrier-started threads and tasks with injected latency (the `stress` fixture).
- `interpreter`: a snippet in a fresh, guarded interpreter (the `fresh_interpreter` fixture).
- `guard`: the audit hook and the integrity snapshot that make forgery show.
- `plugin`: the pytest plugin: a record per test, the per-test time limit, the fixtures.
- `main`: the command line the parent builds.

A package, not loose modules: a student's or a challenge's `stress.py` cannot shadow it, and
the parent's static scan flags any source that names `grade_child`.
"""
