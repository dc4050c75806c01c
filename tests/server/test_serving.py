"""The server's HTTP protocol turns Nagle's algorithm off on every connection it serves, also on
a listening socket bound the way uvicorn binds one for ``serve --workers N`` (proto 0, on which
asyncio leaves it on: each keep-alive answer then waited ~40 ms for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from wmo_desk.server.serving import HTTP_PROTOCOL, NoDelayH11Protocol


async def _app(scope, receive, send):  # never called: only the connection is looked at
    raise AssertionError


def _nodelay_of_served_connection(protocol_class) -> int:
    async def run() -> int:
        config = Config(_app, lifespan="off")
        config.load()
        state = ServerState()
        listener = socket.socket(socket.AF_INET)  # as uvicorn's Config.bind_socket: proto 0
        listener.bind(("127.0.0.1", 0))
        served: list[socket.socket] = []

        def factory():
            protocol = protocol_class(config, state, {})
            original = protocol.connection_made

            def made(transport):
                original(transport)
                served.append(transport.get_extra_info("socket"))

            protocol.connection_made = made
            return protocol

        server = await asyncio.get_running_loop().create_server(factory, sock=listener)
        _reader, writer = await asyncio.open_connection(*listener.getsockname())
        for _ in range(100):
            if served:
                break
            await asyncio.sleep(0.01)
        value = served[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        server.close()
        for connection in list(state.connections):
            connection.transport.close()
        return value

    return asyncio.run(run())


def test_connections_of_a_proto_0_listener_get_tcp_nodelay():
    assert _nodelay_of_served_connection(H11Protocol) == 0  # the problem
    assert _nodelay_of_served_connection(NoDelayH11Protocol) != 0  # the fix


def test_serve_runs_uvicorn_with_it(monkeypatch, tmp_path):
    import uvicorn

    from wmo_desk.server import cli

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options))
    assert cli.main(["serve", "--db", str(tmp_path / "server.sqlite"), "--port", "8751"]) == 0
    assert started["http"] == HTTP_PROTOCOL and started["port"] == 8751
