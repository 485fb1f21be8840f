"""One running app per user: a lock file says who runs, a local socket asks it to come forward.

A second launch finds the lock held by a live process, sends "raise" over a `QLocalSocket` and
exits; a stale lock (the holder died) is taken over by `QLockFile` itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


class SingleInstance(QObject):
    raise_requested = Signal()

    def __init__(self, lock_path: Path, name: str) -> None:
        super().__init__()
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(lock_path))
        self._lock.setStaleLockTime(0)  # only a dead holder's lock is stale, never an old one
        self._name = name
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True if we are the one instance; otherwise the running one was asked to show itself."""
        if not self._lock.tryLock(100):
            socket = QLocalSocket()
            socket.connectToServer(self._name)
            if socket.waitForConnected(500):
                socket.write(b"raise\n")
                socket.waitForBytesWritten(500)
                socket.disconnectFromServer()
            return False
        QLocalServer.removeServer(self._name)  # a crashed instance may have left the socket
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self._name)
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        connection = self._server.nextPendingConnection()
        connection.readyRead.connect(lambda: self._on_message(connection))

    def _on_message(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).strip() == b"raise":
            self.raise_requested.emit()
        connection.disconnectFromServer()
