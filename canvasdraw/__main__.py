import sys

from canvasdraw.cli.main import main

if __name__ == "__main__":  # the guard matters: rollout workers are spawned processes
    sys.exit(main())
