#!/usr/bin/env python3
"""Tiny TCP/UDP peers for the masquerade tests.

  tcp-serve PORT LOG   accept forever; log "PEER_IP" per connection; answer "hello PORT"
  udp-serve PORT LOG   log "PEER_IP DATA" per datagram
  tcp-get HOST PORT    print the answer; exit 1 when refused or silent (3 s)
  udp-send HOST PORT DATA
"""
import socket
import sys


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def main():
    mode = sys.argv[1]
    if mode == "tcp-serve":
        port, path = int(sys.argv[2]), sys.argv[3]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(16)
        log(path, "listening")
        while True:
            c, peer = s.accept()
            log(path, peer[0])
            c.sendall(b"hello %d\n" % port)
            c.close()
    elif mode == "udp-serve":
        port, path = int(sys.argv[2]), sys.argv[3]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
        log(path, "listening")
        while True:
            data, peer = s.recvfrom(2048)
            log(path, "%s %s" % (peer[0], data.decode(errors="replace")))
    elif mode == "tcp-get":
        try:
            c = socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=3)
            print(c.recv(100).decode().strip())
        except OSError as e:
            print("error: %s" % e, file=sys.stderr)
            sys.exit(1)
    elif mode == "udp-send":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(sys.argv[4].encode(), (sys.argv[2], int(sys.argv[3])))
    else:
        sys.exit(2)


if __name__ == "__main__":
    main()
