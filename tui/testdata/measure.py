#!/usr/bin/env python3
"""Measure the tutor in a real pseudo-terminal: time to first frame, and
(with /usr/bin/time -v) peak RSS over a walk through stages 1 and 2.

Usage, from the repository root:
    go build -o /tmp/formtest ./cmd/formtest
    python3 tui/testdata/measure.py /tmp/formtest [runs]

The first frame is the moment the help line ("q quit") has been written,
timed from just before the program is started. Each run uses a fresh
XDG_STATE_HOME, so it starts at stage 1.
"""
import fcntl, os, pty, re, select, statistics, struct, sys, tempfile, termios, time

ANSI = re.compile(rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[P^_][^\x1b]*\x1b\\|\x1b.")


def run(binary, timefile):
    state = tempfile.mkdtemp()
    env = dict(os.environ, XDG_STATE_HOME=state, TERM="xterm-256color")
    argv = ["/usr/bin/time", "-v", "-o", timefile, binary, "tutor"]
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    first = None

    def wait_for(word, timeout=10):
        nonlocal seen, first
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.01)
            if r:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen += chunk
                if first is None and b"q quit" in ANSI.sub(b"", seen):
                    first = time.monotonic() - t0
                if word in ANSI.sub(b"", seen):
                    return
        raise SystemExit("timed out waiting for %r" % word)

    wait_for(b"q quit")
    os.write(fd, b"\r")
    wait_for(b"remember")
    os.write(fd, b"n")
    wait_for(b"travels")
    os.write(fd, b"\r")
    wait_for(b"valid")
    os.write(fd, b"q")
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    os.waitpid(pid, 0)
    rss = 0
    with open(timefile) as f:
        for line in f:
            if "Maximum resident set size" in line:
                rss = int(line.split(":")[1])
    return first * 1000, rss


def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    timefile = tempfile.mktemp()
    firsts, rsss = [], []
    for _ in range(runs):
        ms, rss = run(binary, timefile)
        firsts.append(ms)
        rsss.append(rss)
    print("first frame: median %.1f ms, max %.1f ms over %d runs" % (statistics.median(firsts), max(firsts), runs))
    print("peak RSS:    median %.1f MB, max %.1f MB (walk through stages 1 and 2)" % (statistics.median(rsss) / 1024, max(rsss) / 1024))


main()
