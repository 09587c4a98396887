#!/usr/bin/python3
"""A drill backend: an HTTP server on ADDR:PORT (or several addresses) whose
behaviour the drill switches at run time through a mode file (re-read on
every request). With --reuse-port, several backends share an address (an
anycast region's service address): the kernel spreads new connections over
the live ones.

Modes:
  ok         /healthz -> 200 "OK", / -> 200 "ok <name>"
  error500   every path -> 500 (a service outage)
  hang       accept, then never answer (a load balancer failing: probes time out)
  wrongbody  /healthz -> 200 "DEGRADED" (the index failing), / -> 200 "error <name>"
  deny ADDR...  503 to clients from those addresses, ok to the others (a
             path that fails from one vantage point only: the fleet drill)
A killed backend is this process stopped (connection refused).
"""
import argparse
import http.server
import os
import socketserver
import socket
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "drill-backend"
    # HTTP/1.1: a client may keep its connection open (one with
    # "Connection: close" or speaking HTTP/1.0 gets it closed).
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def mode(self):
        try:
            with open(self.server.mode_file) as f:
                return f.read().strip() or "ok"
        except OSError:
            return "ok"

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        mode = self.mode()
        name = self.server.name
        if mode.startswith("deny"):
            if self.client_address[0] in mode.split()[1:]:
                self.reply(503, "denied %s\n" % name)
                return
            mode = "ok"
        if mode == "hang":
            # Hold the connection without answering; bounded so threads end.
            time.sleep(30)
            return
        if mode == "error500":
            self.reply(500, "error %s\n" % name)
        elif self.path.startswith("/healthz"):
            self.reply(200, "DEGRADED\n" if mode == "wrongbody" else "OK\n")
        else:
            self.reply(200, ("error %s\n" if mode == "wrongbody" else "ok %s\n") % name)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    reuse_port = False
    request_queue_size = 128  # the listen backlog (socketserver's 5 overflows on a busy machine)

    def server_bind(self):
        if self.reuse_port:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--name", required=True)
    ap.add_argument("--addr", required=True, action="append", help="address to serve on (repeatable)")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode-file", required=True)
    ap.add_argument("--reuse-port", action="store_true", help="share the addresses with other backends")
    args = ap.parse_args()
    Server.reuse_port = args.reuse_port
    servers = []
    for addr in args.addr:
        srv = Server((addr, args.port), Handler)
        srv.name = args.name
        srv.mode_file = args.mode_file
        servers.append(srv)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for srv in servers[1:]:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
