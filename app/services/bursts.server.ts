import { createHash, randomBytes } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { auditLog, pitches, votes } from "../../db/schema";
import { type JoinRecord, findBursts } from "../domain/bursts";
import { burstSchema } from "../schemas/event";
import { type Tx, audit } from "./audit.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { nextVersion, publishChange } from "./facts.server";
import { validate } from "./validate";
import { type Viewer, requireOrganiser } from "./viewer.server";

/**
 * Suspicious bursts of votes (issue 10, hole 3): each new attendee's join is
 * recorded in the audit log with the network it came from, as a hash salted
 * with a secret that lives only in this process's memory, so the address can
 * never be read back (and tags from before a restart match nothing new).
 * Organisers see runs of joins from one network (app/domain/bursts.ts) with
 * the votes they cast, and can remove those votes.
 */

const salt = randomBytes(32);
const JOIN = "attendee.join";

function networkTag(ip: string): string {
  return createHash("sha256").update(salt).update(ip).digest("base64url").slice(0, 16);
}

/** Inside the transaction that creates the attendee. */
export function recordJoin(tx: Tx, eventId: string, attendeeId: string, ip: string): void {
  audit(tx, { eventId, actor: "attendee", action: JOIN, targetId: attendeeId, detail: { net: networkTag(ip) } });
}

function joinsOf(db: Pick<Tx, "select">, eventId: string): JoinRecord[] {
  return db
    .select({ attendeeId: auditLog.targetId, detail: auditLog.detail, at: auditLog.createdAt })
    .from(auditLog)
    .where(and(eq(auditLog.eventId, eventId), eq(auditLog.action, JOIN)))
    .all()
    .flatMap((row) => {
      const net = row.detail?.net;
      return row.attendeeId && typeof net === "string" ? [{ attendeeId: row.attendeeId, net, at: row.at }] : [];
    });
}

export interface VoteBurst {
  id: string;
  from: string;
  to: string;
  attendees: number;
  votes: number;
  pitches: Array<{ id: string; title: string; votes: number }>;
}

function votesOf(db: Pick<Tx, "select">, eventId: string, attendeeIds: string[]) {
  const rows: Array<{ pitchId: string; title: string }> = [];
  for (let i = 0; i < attendeeIds.length; i += 500) {
    rows.push(
      ...db
        .select({ pitchId: votes.pitchId, title: pitches.title })
        .from(votes)
        .innerJoin(pitches, eq(pitches.id, votes.pitchId))
        .where(and(eq(votes.eventId, eventId), inArray(votes.attendeeId, attendeeIds.slice(i, i + 500))))
        .all(),
    );
  }
  return rows;
}

/** The bursts whose attendees still have votes, oldest first. */
export function voteBursts(ctx: Pick<ServiceContext, "db">, viewer: Viewer): VoteBurst[] {
  requireOrganiser(viewer);
  const eventId = viewer.event.id;
  return findBursts(joinsOf(ctx.db, eventId)).flatMap((burst) => {
    const cast = votesOf(ctx.db, eventId, burst.attendeeIds);
    if (cast.length === 0) return [];
    const byPitch = new Map<string, { id: string; title: string; votes: number }>();
    for (const { pitchId, title } of cast) {
      const entry = byPitch.get(pitchId) ?? { id: pitchId, title, votes: 0 };
      entry.votes++;
      byPitch.set(pitchId, entry);
    }
    return [
      {
        id: burst.id,
        from: burst.from,
        to: burst.to,
        attendees: burst.attendeeIds.length,
        votes: cast.length,
        pitches: [...byPitch.values()].sort((a, b) => b.votes - a.votes),
      },
    ];
  });
}

/** Removes every vote of a burst's attendees; audited, and the new tallies pushed like any vote change. */
export async function removeBurstVotes(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
): Promise<{ votes: number; attendees: number }> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { burstId } = validate(burstSchema, input);
  const eventId = viewer.event.id;
  const result = ctx.db.transaction(
    (tx) => {
      const burst = findBursts(joinsOf(tx, eventId)).find((b) => b.id === burstId);
      if (!burst) {
        throw new ServiceError(
          "not_found",
          "That burst is not there any more: its votes may have been removed already.",
        );
      }
      const cast = votesOf(tx, eventId, burst.attendeeIds);
      for (let i = 0; i < burst.attendeeIds.length; i += 500) {
        tx.delete(votes)
          .where(and(eq(votes.eventId, eventId), inArray(votes.attendeeId, burst.attendeeIds.slice(i, i + 500))))
          .run();
      }
      const pitchIds = [...new Set(cast.map((v) => v.pitchId))];
      audit(tx, {
        eventId,
        action: "votes.remove-burst",
        detail: { attendees: burst.attendeeIds.length, votes: cast.length, from: burst.from, to: burst.to },
      });
      return { pitchIds, votes: cast.length, attendees: burst.attendeeIds.length, version: nextVersion(tx, eventId) };
    },
    { behavior: "immediate" },
  );
  publishChange(ctx, eventId, result.version, { pitchIds: result.pitchIds, grid: true, tallies: true });
  return { votes: result.votes, attendees: result.attendees };
}
