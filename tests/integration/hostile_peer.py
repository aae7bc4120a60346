"""A hostile or broken peer of a crashwatch node's cluster port, written from
CAF 0.17's BASP framing (a 32-byte big-endian header: operation, two padding
bytes, flags, payload length (u32), operation data (u64), source and
destination actor (u64 each); operations 0 server handshake, 1 client
handshake, 2 direct message; BASP version 3), not from crashwatch's code.

    python3 hostile_peer.py attack HOST PORT KIND   one connection of KIND;
        prints "closed" when the node closed it within 10 s, "open" if not
    python3 hostile_peer.py flood HOST PORT N SECONDS   N silent connections
        held SECONDS; prints how many the node closed at once
    python3 hostile_peer.py stall HOST PORT WAIT    a connection sending 10
        bytes, then silent; after WAIT s another connection (the node sweeps
        then); prints "closed" if the node closed the first
    python3 hostile_peer.py old-server PORT SECONDS  listens on 127.0.0.1:PORT
        and answers every connection with a server handshake of BASP version
        2, for SECONDS

KIND: garbage, http, tls, oversized (a client handshake announcing 1 GiB),
out-of-order (a direct message before any handshake), truncated (a client
handshake announcing 100 bytes, 50 sent, then closed by us: prints "sent").
"""
import os
import select
import socket
import struct
import sys
import time


def header(op, payload_len, op_data=0, src=0, dst=0, flags=0):
    return struct.pack(">BBBBIQQQ", op, 0, 0, flags, payload_len, op_data, src, dst)


def connect(host, port):
    s = socket.create_connection((host, int(port)), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_by_peer(s, seconds):
    """True when the node closes `s` within `seconds` (reads and drops what
    it sends first: its server handshake)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        r, _, _ = select.select([s], [], [], max(0.0, deadline - time.time()))
        if not r:
            continue
        try:
            if not s.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def attack(host, port, kind):
    s = connect(host, port)
    if kind == "garbage":
        s.sendall(os.urandom(16) + b"\xff" * 48)
    elif kind == "http":
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: node\r\nAccept: */*\r\n\r\n")
    elif kind == "tls":
        # The first bytes of a TLS 1.2 ClientHello record.
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(53))
    elif kind == "oversized":
        s.sendall(header(1, 1 << 30))
    elif kind == "out-of-order":
        s.sendall(header(2, 64, dst=1) + b"\0" * 64)
    elif kind == "truncated":
        s.sendall(header(1, 100) + b"\0" * 50)
        time.sleep(0.2)
        s.close()
        print("sent")
        return
    else:
        sys.exit("unknown kind " + kind)
    print("closed" if closed_by_peer(s, 10) else "open")


def flood(host, port, n, seconds):
    conns = []
    for _ in range(int(n)):
        try:
            conns.append(connect(host, port))
        except OSError:
            break
    time.sleep(float(seconds))
    closed = 0
    for s in conns:
        s.setblocking(False)
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    closed += 1
                    break
        except BlockingIOError:
            pass
        except (ConnectionResetError, BrokenPipeError):
            closed += 1
        s.close()
    print(closed)


def stall(host, port, wait):
    s = connect(host, port)
    s.sendall(b"\1" * 10)
    time.sleep(float(wait))
    other = connect(host, port)
    print("closed" if closed_by_peer(s, 5) else "open")
    other.close()


def old_server(port, seconds):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(port)))
    srv.listen(16)
    srv.settimeout(0.2)
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        # A payload the node never reads: the header is refused first.
        c.sendall(header(0, 16, op_data=2) + b"\0" * 16)
        closed_by_peer(c, 2)
        c.close()


def main():
    mode = sys.argv[1]
    if mode == "attack":
        attack(*sys.argv[2:5])
    elif mode == "flood":
        flood(*sys.argv[2:6])
    elif mode == "stall":
        stall(*sys.argv[2:5])
    elif mode == "old-server":
        old_server(*sys.argv[2:4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
