// The worker thread's entry. The server runs TypeScript through tsx, but a
// worker thread does not inherit tsx's module hooks, so it registers them
// before loading the real entry; no build step is needed, in production or in
// development.
import { register } from "tsx/esm/api";

register();
await import("./heavyWorker.server.ts");
