"""Rasa's socket.io channel with two fixes, and the resident's text masked before Rasa reads it.

Referenced from bot/credentials.yml as ``socketio_channel.SocketIOChannel`` (bot/ is on PYTHONPATH when Rasa
runs, see bot/privacy_tracker_store.py). Rasa 3.6's own channel, with the pinned python-socketio 5.18:

- does not await ``AsyncServer.enter_room`` (a coroutine since python-socketio 5.10), so with
  ``session_persistence`` the client never joins its session's room and gets no answer at all;
- passes a custom payload to ``AsyncServer.emit`` as keyword arguments, so every answer with citations fails
  with ``TypeError: emit() got an unexpected keyword argument``.

Here the client joins its room, and a custom payload is sent as ``{"custom": {...}}``, as the REST channel does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from nlu.privacy import mask_pii


class SocketIOCustomOutput(SocketIOOutput):
    """Socket.io output that sends a custom payload as one ``{"custom": ...}`` message."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Send the payload under ``custom`` to the conversation's room."""
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOChannel(SocketIOInput):
    """Rasa's socket.io input channel with working session rooms, custom payloads and masked messages."""

    def get_output_channel(self) -> Any:
        """The fixed output channel (None when the server is not started, as in Rasa's channel)."""
        return SocketIOCustomOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint (health route, connect with optional JWT) with our session and message handlers."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        namespace = self.namespace

        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            wanted = (data or {}).get("session_id")
            session_id = wanted if isinstance(wanted, str) and wanted else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def handle_message(sid: str, data: dict[str, Any] | None) -> None:
            data = data if isinstance(data, dict) else {}
            sender_id = sid
            if self.session_persistence:
                session_id = data.get("session_id")
                if not isinstance(session_id, str) or not session_id:
                    return  # no session_request before: Rasa's channel ignores such a message too
                sender_id = session_id
            metadata = data.get(self.metadata_key or "metadata", {})
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            text = data.get("message", "")
            message = UserMessage(
                mask_pii(text) if isinstance(text, str) else "",
                SocketIOCustomOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await on_new_message(message)

        # python-socketio keeps one handler per event: these replace the ones registered by Rasa's channel.
        sio.on("session_request", handler=session_request, namespace=namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=namespace)
        return blueprint
