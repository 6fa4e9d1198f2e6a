import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Records an organiser action inside the transaction that makes it. */
export function audit(
  tx: Tx,
  entry: {
    eventId: string;
    actor?: "organiser" | "attendee";
    action: string;
    targetId?: string;
    detail?: Record<string, unknown>;
  },
): void {
  tx.insert(auditLog)
    .values({
      eventId: entry.eventId,
      actor: entry.actor ?? "organiser",
      action: entry.action,
      targetId: entry.targetId ?? null,
      detail: entry.detail ?? null,
    })
    .run();
}

export type { Tx };
