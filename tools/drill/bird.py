"""A client of BIRD's control socket (what birdc speaks): one command, its
reply lines. Replies are lines "NNNN-text" (more follow), " text" (same code
continued) and a last "NNNN text"; codes 8xxx and 9xxx are errors."""
import socket


class BirdError(RuntimeError):
    pass


def command(path, cmd, timeout=5.0):
    """Send CMD to the BIRD listening on the control socket PATH; return the
    reply's text lines. Raises BirdError on an error reply, OSError when
    BIRD does not answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        f = s.makefile("rwb")
        hello = f.readline()
        if not hello.startswith(b"0001 "):
            raise BirdError("%s: unexpected greeting %r" % (path, hello[:60]))
        f.write(cmd.encode() + b"\n")
        f.flush()
        lines, code = [], None
        while True:
            raw = f.readline()
            if not raw:
                raise BirdError("%s: connection closed in the reply to %r" % (path, cmd))
            line = raw.decode(errors="replace").rstrip("\n")
            if line[:4].isdigit() and len(line) >= 5 and line[4] in "- ":
                code = line[:4]
                lines.append(line[5:])
                if line[4] == " ":
                    break
            else:
                lines.append(line[1:] if line.startswith(" ") else line)
        if code[0] in "89":
            raise BirdError("%s: %s: %s" % (path, cmd, " ".join(lines)))
        return lines
    finally:
        s.close()
