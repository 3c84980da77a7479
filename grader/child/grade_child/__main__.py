"""Entry point: `python -I -B CHILD/grade_child/__main__.py --records-fd N --tests DIR ...`.

`-I` keeps the script's own folder off sys.path, so the package's parent is put there by hand.
"""

import sys
import time
from pathlib import Path

LAUNCHED = time.monotonic()  # when the interpreter was up: the parent's breakdown reads it

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grade_child.main import main  # noqa: E402  (importable once the path is set)
from grade_child.plugin import end_process  # noqa: E402

end_process(main(sys.argv[1:], launched=LAUNCHED))
