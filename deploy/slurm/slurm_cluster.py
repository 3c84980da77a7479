"""Workers for `grade batch --scheduler` as SLURM jobs, through dask-jobqueue.

Run it on the login node, from the venv the workers will use (on the shared filesystem, with
the grader, its `cluster` extra and dask-jobqueue installed, and `grade setup` run once there):

    python deploy/slurm/slurm_cluster.py --jobs 10 --account cs101 --queue standard

It starts a Dask scheduler in this process, submits the worker jobs, prints the scheduler's
address and keeps them running until Ctrl-C. In another terminal on the login node:

    grade batch submissions/ -c ID --scheduler tcp://<the address printed>

Each job runs `grade setup` before its worker starts: with the runtime already in the shared
$GRADE_CACHE that only checks it (the free-threaded interpreter, the runtime venv, bubblewrap).
`--dry-run` prints the job script and stops, without submitting anything.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=4, help="SLURM jobs, one worker each")
    parser.add_argument("--cores", type=int, default=8, help="cores per job: the worker grades this many at once")
    parser.add_argument("--memory", default="16GB", help="memory per job")
    parser.add_argument("--walltime", default="02:00:00")
    parser.add_argument("--queue", help="partition (#SBATCH -p)")
    parser.add_argument("--account", help="account (#SBATCH -A)")
    parser.add_argument("--sbatch", action="append", default=[], metavar="OPTION",
                        help="another #SBATCH option, e.g. --sbatch=--constraint=haswell (repeatable)")
    parser.add_argument("--grade-cache", default=os.environ.get("GRADE_CACHE", str(Path.home() / ".cache" / "grade")),
                        help="the grader's cache on the shared filesystem (the runtime lives there)")
    parser.add_argument("--dry-run", action="store_true", help="print the job script and stop")
    options = parser.parse_args()

    from dask_jobqueue import SLURMCluster

    venv_bin = Path(sys.executable).parent
    cluster = SLURMCluster(
        cores=options.cores,
        processes=1,  # one worker process per job; it grades `cores` submissions at once on threads
        memory=options.memory,
        walltime=options.walltime,
        queue=options.queue,
        account=options.account,
        python=sys.executable,  # the workers run this venv's Python: the grader must import there
        job_name="grade-worker",
        job_extra_directives=options.sbatch,
        job_script_prologue=[
            f"export GRADE_CACHE={shlex.quote(options.grade_cache)}",
            f"export PATH={shlex.quote(str(venv_bin))}:$PATH",
            "grade setup",
        ],
        scheduler_options={"dashboard_address": ":8787"},
    )
    if options.dry_run:
        print(cluster.job_script())
        cluster.close()
        return
    cluster.scale(jobs=options.jobs)
    print(f"scheduler: {cluster.scheduler_address}", flush=True)
    print(f"  grade batch ROOT -c ID --scheduler {cluster.scheduler_address}", flush=True)
    print("Ctrl-C cancels the worker jobs", flush=True)
    try:
        while True:
            time.sleep(60)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.close()


if __name__ == "__main__":
    main()
