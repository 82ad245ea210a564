"""The local stack's PyPI cache: proxpi on one loopback port, shared by every stack on the machine.

The stack's base image names this port in its pip.conf, so every stack's builds use the same
address; a stack registers itself as a file named after its process id in USERS_DIR, and this
server exits once no registered process is alive (a killed stack leaves a dead id, which counts as
gone). When another server already holds the port, this one exits at once: that one serves.

    serve.py PORT USERS_DIR      (proxpi reads PROXPI_* from the environment)
"""

import os
import sys
import threading
import time

# How long the server outlives its last user, so that a stack starting right after another one
# stopped finds it still serving.
GRACE_SECONDS = 10


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_users(users_dir):
    count = 0
    for name in os.listdir(users_dir):
        pid = name.split("-", 1)[0]
        if pid.isdigit() and alive(int(pid)):
            count += 1
        else:
            try:
                os.remove(os.path.join(users_dir, name))
            except FileNotFoundError:
                pass
    return count


def serve(port):
    """A server answering on the port from a thread of its own; None when another holds the port."""
    from werkzeug.serving import make_server

    from proxpi.server import app

    try:
        server = make_server("127.0.0.1", port, app, threaded=True)
    except OSError as error:
        print(f"pypi-cache: port {port} is taken ({error}); the server there serves", flush=True)
        return None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"pypi-cache: serving on 127.0.0.1:{port}", flush=True)
    return server


def main():
    port, users_dir = int(sys.argv[1]), sys.argv[2]
    server = serve(port)
    idle_since = None
    while server:
        time.sleep(1)
        if live_users(users_dir) > 0:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > GRACE_SECONDS:
            # A stack registers before it asks whether a server answers. Once this one has closed
            # its port, a stack that registered meanwhile is seen here and served anew; one that
            # registers later finds no answer and starts a server of its own.
            server.shutdown()
            server.server_close()
            if live_users(users_dir) == 0:
                print("pypi-cache: no stack left; stopping", flush=True)
                return
            server = serve(port)
            idle_since = None


if __name__ == "__main__":
    main()
