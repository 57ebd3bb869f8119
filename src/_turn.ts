// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible.

// A later turn of the event loop (a macrotask: timers, I/O, signal
// handlers and worker replies get their turn first) without a timer: in
// Deno `setTimeout(0)` waits about 2 ms and the first one of a process
// 13 ms, where `setImmediate` takes 0.02 ms (the first 11 ms) and a
// MessageChannel message 0.1 ms (the first 3 ms). The command line's own
// thread hops once per search run it takes, and with the race round by
// round that is dozens of runs in a short solve. Each runtime starves
// something with one of them, so:
// - Bun and Node: `setImmediate`. Bun runs a chain of MessageChannel
//   messages before its timers, which held progress lines back by a tenth
//   of a second and more.
// - Deno: a MessageChannel. It runs a chain of `setImmediate` callbacks
//   before it delivers worker replies: a worker's 20 ms slice came back
//   after 520-580 ms (median) behind the command line's own slices, so its
//   worker ran a few slices a second; a MessageChannel's comes back after
//   21-40 ms (median), and timers stay on time.
// - Browsers: a MessageChannel (there is no `setImmediate`).

const scope = globalThis as { setImmediate?: (callback: () => void) => unknown; Deno?: unknown };
const immediate = typeof scope.setImmediate === "function" &&
  (scope.Deno === undefined || typeof MessageChannel !== "function");

/** Calls `callback` in a later turn of the event loop. */
export function nextTurn(callback: () => void): void {
  if (immediate) {
    scope.setImmediate!(callback);
  } else if (typeof MessageChannel === "function") {
    // A channel per hop, closed at once: an open port would keep the
    // process alive.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      callback();
    };
    channel.port2.postMessage(undefined);
  } else {
    setTimeout(callback, 0);
  }
}

/** Resolves in a later turn of the event loop. */
export function turn(): Promise<void> {
  return new Promise((resolve) => nextTurn(resolve));
}
