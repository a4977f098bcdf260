#!/usr/bin/env python3
"""Sends FastCGI requests to a worker's unix socket the way nginx does (its fastcgi_params), one
connection per request, and checks each status. Used by bench/callgrind; no nginx in between.

Usage: fcgi_client.py SOCKET COUNT METHOD URI [HEADER=VALUE ...]
URI may hold {MIN-MAX}, replaced in each request by a (seeded) random integer in that range. With
BODY in the environment it is sent as a JSON body; the last response's body goes to stdout. With
ANY_STATUS=1 in the environment an error status is not a failure.
"""
import os
import random
import re
import socket
import struct
import sys


def record(kind, request_id, content):
    return struct.pack(">BBHHBx", 1, kind, request_id, len(content), 0) + content


def pair(name, value):
    name, value = name.encode(), value.encode()
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def request(path, method, uri, headers, content=b""):
    document_uri, _, query = uri.partition("?")
    params = {
        "QUERY_STRING": query, "REQUEST_METHOD": method,
        "CONTENT_TYPE": "application/json" if content else "", "CONTENT_LENGTH": str(len(content)) if content else "",
        "SCRIPT_NAME": document_uri, "REQUEST_URI": uri, "DOCUMENT_URI": document_uri,
        "DOCUMENT_ROOT": "/usr/share/nginx/html", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_SCHEME": "http",
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_SOFTWARE": "nginx/1.22.1", "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "51234", "SERVER_ADDR": "127.0.0.1", "SERVER_PORT": "8090", "SERVER_NAME": "",
        "REDIRECT_STATUS": "200", "HTTP_HOST": "127.0.0.1",
    }
    for name, value in headers.items():
        params["HTTP_" + name.upper().replace("-", "_")] = value
    body = b"".join(pair(n, v) for n, v in params.items())
    message = (record(1, 1, struct.pack(">HB5x", 1, 0)) + record(4, 1, body) + record(4, 1, b"")
               + (record(5, 1, content) if content else b"") + record(5, 1, b""))
    with socket.socket(socket.AF_UNIX) as connection:
        connection.connect(path)
        connection.sendall(message)
        received = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    stdout, offset = b"", 0
    while offset + 8 <= len(received):
        _, kind, _, length, padding = struct.unpack(">BBHHBx", received[offset:offset + 8])
        if kind == 6:
            stdout += received[offset + 8:offset + 8 + length]
        offset += 8 + length + padding
    return stdout


def main():
    path, count, method, uri = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    headers = dict(argument.split("=", 1) for argument in sys.argv[5:])
    content = os.environ.get("BODY", "").encode()
    numbers = random.Random(6)
    stdout = b""
    for _ in range(count):
        target = re.sub(r"\{(\d+)-(\d+)\}", lambda m: str(numbers.randint(int(m[1]), int(m[2]))), uri)
        stdout = request(path, method, target, headers, content)
        status = stdout.split(b"\r\n", 1)[0]
        if not status.startswith(b"Status: 2") and not os.environ.get("ANY_STATUS"):
            sys.exit(f"{method} {target}: {status.decode(errors='replace')}")
    sys.stdout.write(stdout.split(b"\r\n\r\n", 1)[-1].decode())


if __name__ == "__main__":
    main()
