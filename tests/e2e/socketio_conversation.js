#!/usr/bin/env node
/* One conversation with Rasa over its socket.io channel, using the npm package socket.io-client.

   Usage: node socketio_conversation.js URL [--session ID] MESSAGE [MESSAGE ...]
   Connects to URL (Rasa's address; the path is /socket.io), asks for a session (the given ID to go on with an
   earlier conversation, else a new one), sends each message as a
   user_uttered event and collects the bot_uttered events that follow (a reply is complete once the bot has
   been quiet for QUIET_MS). Prints one JSON object: {"session_id", "turns": [{"message", "replies"}]}.
   Exits 1 with a message on stderr when the connection fails or a message gets no reply in time. */
"use strict";

const { io } = require("socket.io-client");

const FIRST_REPLY_MS = 90000;
const QUIET_MS = 2500;

function fail(message) {
  process.stderr.write(message + "\n");
  process.exit(1);
}

function main() {
  const [url, ...messages] = process.argv.slice(2);
  let wanted = null;
  if (messages[0] === "--session") {
    wanted = messages[1] || null;
    messages.splice(0, 2);
  }
  if (!url || messages.length === 0) fail("usage: node socketio_conversation.js URL [--session ID] MESSAGE [MESSAGE ...]");

  const socket = io(url, { path: "/socket.io", transports: ["websocket"], reconnection: false, timeout: 20000 });
  const turns = [];
  let current = null;
  let quietTimer = null;
  let firstTimer = null;
  let sessionId = null;

  function next() {
    if (current) turns.push(current);
    const message = messages.shift();
    if (message === undefined) {
      process.stdout.write(JSON.stringify({ session_id: sessionId, turns: turns }) + "\n");
      socket.close();
      return;
    }
    current = { message: message, replies: [] };
    firstTimer = setTimeout(() => fail("no reply within " + FIRST_REPLY_MS + " ms to " + JSON.stringify(message)),
      FIRST_REPLY_MS);
    socket.emit("user_uttered", { message: message, session_id: sessionId });
  }

  socket.on("connect_error", (err) => fail("cannot connect to " + url + ": " + err.message));
  socket.on("connect", () => socket.emit("session_request", { session_id: wanted }));
  socket.on("session_confirm", (id) => {
    sessionId = typeof id === "string" ? id : id && id.session_id;
    if (!sessionId) fail("session_confirm without a session id: " + JSON.stringify(id));
    next();
  });
  socket.on("bot_uttered", (reply) => {
    if (!current) return;
    clearTimeout(firstTimer);
    clearTimeout(quietTimer);
    current.replies.push(reply);
    quietTimer = setTimeout(next, QUIET_MS);
  });
}

main();
