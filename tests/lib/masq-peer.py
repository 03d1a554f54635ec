#!/usr/bin/env python3
"""Tiny TCP/UDP peers for the masquerade tests.

  tcp-serve PORT LOG [6]   accept forever; log "PEER_IP" per connection; answer "hello PORT"
  udp-serve PORT LOG [6]   log "PEER_IP DATA" per datagram
                           (6: on IPv6 "::" instead of IPv4 "0.0.0.0")
  tcp-get HOST PORT    print the answer; exit 1 when refused or silent (3 s)
  udp-send HOST PORT DATA
"""
import socket
import sys


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def listen_family():
    if len(sys.argv) > 4 and sys.argv[4] == "6":
        return socket.AF_INET6, "::"
    return socket.AF_INET, "0.0.0.0"


def main():
    mode = sys.argv[1]
    if mode == "tcp-serve":
        port, path = int(sys.argv[2]), sys.argv[3]
        fam, any_addr = listen_family()
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((any_addr, port))
        s.listen(16)
        log(path, "listening")
        while True:
            c, peer = s.accept()
            log(path, peer[0])
            c.sendall(b"hello %d\n" % port)
            c.close()
    elif mode == "udp-serve":
        port, path = int(sys.argv[2]), sys.argv[3]
        fam, any_addr = listen_family()
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((any_addr, port))
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
        fam = socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.sendto(sys.argv[4].encode(), (sys.argv[2], int(sys.argv[3])))
    else:
        sys.exit(2)


if __name__ == "__main__":
    main()
