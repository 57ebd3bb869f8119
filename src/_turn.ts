// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// A later turn of the event loop (a macrotask: timers, I/O, signal
// handlers and worker replies run first) by a MessageChannel message, not
// a timer: in Deno `setTimeout(0)` waits about 2 ms and the first one of a
// process 13 ms, where a message takes 0.1 ms (the first 3 ms). The
// command line's own thread hops once per search run it takes, and with
// the race round by round that is dozens of runs in a short solve.

/** Calls `callback` in a later turn of the event loop. */
export function nextTurn(callback: () => void): void {
  if (typeof MessageChannel !== "function") {
    setTimeout(callback, 0);
    return;
  }
  // A channel per hop, closed at once: an open port would keep the
  // process alive.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    callback();
  };
  channel.port2.postMessage(undefined);
}

/** Resolves in a later turn of the event loop. */
export function turn(): Promise<void> {
  return new Promise((resolve) => nextTurn(resolve));
}
