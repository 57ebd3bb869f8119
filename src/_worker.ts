// Copyright the @x/minimalloc authors. Apache-2.0 license.
// This module is browser compatible (it runs as a module Web Worker).

// The solver's worker: a WorkerHost (_worker_host.ts) answering the pool's
// messages on this thread. It is not loaded from this file: `deno task
// build` bundles it with everything it imports into one script, kept as a
// string in _worker_bundle.ts, and the pool starts workers from that
// string (a Blob URL). So the worker travels inside every build of the
// library: `deno run` from a file or from JSR, `deno compile` and `bun
// build --compile` binaries, and browser bundles, none of which could find
// a separate worker file.

import { WorkerHost, type WorkerReply, type WorkerRequest } from "./_worker_host.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
const host = new WorkerHost((reply) => scope.postMessage(reply));
scope.onmessage = (event) => {
  const answer = host.handle(event.data);
  if (answer !== undefined) scope.postMessage(answer.reply, answer.transfer);
};
