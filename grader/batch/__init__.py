"""Batch grading: a class's submissions, one folder or zip per student -> gradebook, feedback, report.

Each submission is graded exactly as `grade submit` grades it (`grade_submission`), from a
private copy, on this machine or on a Dask cluster's workers; every result is journaled as it
finishes, so a batch killed halfway resumes where it stopped. One job a module:

- `plan`: who is in ROOT (`plan_batch`)
- `staging`: a student's private copy, a folder copied or a zip safely extracted
- `records`: what a journal line holds, as the gradebook, the summary and the report read it
- `journal`: results.jsonl, appended and fsynced, read back one line at a time
- `scheduler`: staging, grading and journaling each submission on the batch's threads (`grade_batch`),
  wherever a `Grading` grades them:
- `local`: on this machine's cores, and on a stop the kill of the gradings under way
- `cluster`: on Dask `distributed` workers (`grade batch --scheduler`; imported only then)
- `worker`: what runs on such a worker: the check that it can grade, and one grading
- `outputs`: the gradebook and the report, written from the journal

This file imports none of them: the reports import `records`, and a package that imported its
submodules would make that a cycle.
"""
