"""Run a command that dies with the process that started it.

Usage: guard.py PARENT_PID COMMAND [ARGS...]

Sets PR_SET_PDEATHSIG so the kernel sends SIGTERM when the parent dies, however it dies (even
SIGKILL, when no exit hook can run), then execs the command. The setting survives exec.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    parent = int(sys.argv[1])
    command = sys.argv[2:]
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
            sys.exit("guard: prctl failed: errno %d" % ctypes.get_errno())
    # The parent may have died before prctl took effect: then nobody would ever stop us.
    if os.getppid() != parent:
        sys.exit("guard: parent %d is gone" % parent)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
