"""Runs a command in a pseudo-terminal and plays a script of keystrokes against it.

Usage: python3 pty-driver.py STEPS_JSON -- COMMAND [ARGS...]

STEPS_JSON is a list of {"expect": text, "send": keys, "timeout": seconds}: wait until the
text appears in the terminal output (ANSI escapes removed) after the previous match, then
type the keys. Prints one JSON object: the exit code, the step that timed out (if any) and
the whole transcript, so the test can assert on what a person would have seen.
Only the standard library, so any machine with python3 can run it.
"""

import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import fcntl
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def plain(raw: bytes) -> str:
    return ANSI.sub("", raw.decode("utf-8", errors="replace")).replace("\r", "")


def read_available(fd: int, raw: bytearray, wait: float) -> bool:
    """Appends what the child wrote within `wait` seconds; False once the child has closed the terminal."""
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return False
    if not chunk:
        return False
    raw.extend(chunk)
    return True


def main() -> int:
    steps = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A wide terminal, so prompts are not wrapped in the middle of the text the steps wait for.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    raw = bytearray()
    seen = 0
    failed = None
    alive = True
    started = time.monotonic()
    # When each step's text appeared (seconds from the start): where a slow run spent its time.
    seen_at = []
    for step in steps:
        deadline = time.monotonic() + step.get("timeout", 10)
        while True:
            text = plain(bytes(raw))
            found = text.find(step["expect"], seen)
            if found >= 0:
                seen = found + len(step["expect"])
                seen_at.append(round(time.monotonic() - started, 2))
                break
            if not alive or time.monotonic() > deadline:
                failed = step["expect"]
                break
            alive = read_available(fd, raw, 0.05)
        if failed is not None:
            break
        os.write(fd, step.get("send", "").encode("utf-8"))
    if failed is not None and alive:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while alive and time.monotonic() < deadline:
        alive = read_available(fd, raw, 0.1)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": code, "failed": failed, "seenAt": seen_at, "exitAt": round(time.monotonic() - started, 2), "transcript": plain(bytes(raw))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
