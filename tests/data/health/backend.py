#!/usr/bin/env python3
"""Loopback backend for the health smoke tests: HTTP, HTTPS or DNS whose
behaviour is read from a mode file on every request, so a test can flip it.

HTTP modes: ok (200, body "status: OK"), 500, body (200 without "OK"),
hang (never answers), "deny ADDR..." (503 to clients from those addresses,
ok to the others: a path that fails from one vantage point only). DNS modes: ok (NOERROR, A 192.0.2.1), servfail, drop.
"""
import argparse
import http.server
import os
import signal
import socket
import socketserver
import ssl
import struct
import sys
import time


def mode(path):
    try:
        with open(path) as f:
            return f.read().strip() or "ok"
    except OSError:
        return "ok"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        m = mode(self.server.mode_file)
        if m.startswith("deny"):
            m = "503" if self.client_address[0] in m.split()[1:] else "ok"
        if m == "hang":
            time.sleep(30)
            return
        code, body = 200, b"status: OK\n"
        if m == "500":
            code, body = 500, b"broken\n"
        elif m == "503":
            code, body = 503, b"denied\n"
        elif m == "body":
            body = b"status: degraded\n"
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_dns(addr, port, mode_file):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    while True:
        data, peer = s.recvfrom(512)
        if len(data) < 12:
            continue
        m = mode(mode_file)
        if m == "drop":
            continue
        qid = data[:2]
        # the question: labels up to the root, then type and class
        i = 12
        while i < len(data) and data[i] != 0:
            i += data[i] + 1
        question = data[12:i + 5]
        rcode = 2 if m == "servfail" else 0
        answer = b""
        if rcode == 0:
            answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([192, 0, 2, 1])
        hdr = qid + struct.pack("!HHHHH", 0x8400 | rcode, 1, 1 if answer else 0, 0, 0)
        s.sendto(hdr + question + answer, peer)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode-file", required=True)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--dns", action="store_true")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    if args.dns:
        serve_dns(args.addr, args.port, args.mode_file)
        return
    srv = Server((args.addr, args.port), Handler)
    srv.mode_file = args.mode_file
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
