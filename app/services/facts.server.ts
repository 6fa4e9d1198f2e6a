import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { type Event, attendees, events, pitches, votes } from "../../db/schema";
import { displayName } from "../domain/attribution";
import { talliesVisible } from "../domain/voting";
import type {
  ConflictFact,
  EventFacts,
  GoingCount,
  EventPatch,
  EventSnapshot,
  PersonalFacts,
  PitchFact,
  SettingsFact,
  Tallies,
} from "../realtime/facts";
import type { Tx } from "./audit.server";
import type { ServiceContext } from "./context.server";
import { mentionCount } from "./capture.server";
import { coHostNames, coHostedPitchIds, invitationCount } from "./coHosts.server";
import { goingCountRows, myGoingMarks } from "./going.server";
import { gridFacts } from "./grid.server";
import { listRooms, listTimeSlots } from "./venue.server";
import type { Viewer } from "./viewer.server";

/**
 * The event's facts as pages show them: built once per version and shared by
 * every viewer (the snapshot), and changed by versioned patches pushed after
 * each committed write (DESIGN.md section 1, docs/realtime.md).
 */

type Db = ServiceContext["db"] | Tx;

/** Inside a write transaction: moves the event to its next version and returns it. */
export function nextVersion(tx: Db, eventId: string): number {
  const row = tx
    .update(events)
    .set({ version: sql`${events.version} + 1` })
    .where(eq(events.id, eventId))
    .returning({ version: events.version })
    .get();
  if (!row) throw new Error(`no event ${eventId}`);
  return row.version;
}

export function settingsFact(event: Event): SettingsFact {
  return {
    name: event.name,
    slug: event.slug,
    date: event.date,
    timeZone: event.timeZone,
    pitchingOpen: event.pitchingOpen,
    votingOpen: event.votingOpen,
    votesPerAttendee: event.votesPerAttendee,
    blindVoting: event.blindVoting,
    shufflePitches: event.shufflePitches,
    feedbackOn: event.feedbackOn,
    announcement:
      event.announcement && event.announcementAt ? { text: event.announcement, at: event.announcementAt } : null,
  };
}

function pitchRows(db: Db, eventId: string, ids?: readonly string[]) {
  return db
    .select({ pitch: pitches, pitcher: attendees })
    .from(pitches)
    .leftJoin(attendees, eq(attendees.id, pitches.attendeeId))
    .where(
      and(
        eq(pitches.eventId, eventId),
        inArray(pitches.status, ["open", "merged"]),
        ids ? inArray(pitches.id, [...ids]) : undefined,
      ),
    )
    .orderBy(asc(pitches.createdAt), asc(pitches.id))
    .all();
}

/** Open and merged pitches as facts; `ids` narrows to those (the others are gone or unknown). */
export function pitchFacts(db: Db, eventId: string, ids?: readonly string[]): PitchFact[] {
  const coHosts = coHostNames(db, eventId, ids);
  return pitchRows(db, eventId, ids).map(({ pitch, pitcher }) => ({
    id: pitch.id,
    title: pitch.title,
    descriptionHtml: pitch.descriptionHtml,
    tags: pitch.tags,
    pitcherName: displayName(pitcher),
    coHostNames: coHosts.get(pitch.id) ?? [],
    goingCap: pitch.goingCap,
    status: pitch.status as "open" | "merged",
    mergedIntoId: pitch.status === "merged" ? pitch.mergedIntoId : null,
    createdAt: pitch.createdAt,
    span: pitch.span,
    needs: Array.isArray(pitch.needs) ? pitch.needs : [],
    remoteUrl: pitch.remoteUrl,
  }));
}

function roomFacts(db: Db, eventId: string) {
  return listRooms({ db: db as ServiceContext["db"] }, eventId).map(({ id, name, capacity, features, remoteUrl }) => ({
    id,
    name,
    capacity,
    features: Array.isArray(features) ? features : [],
    remoteUrl,
  }));
}

function slotFacts(db: Db, eventId: string) {
  return listTimeSlots({ db: db as ServiceContext["db"] }, eventId).map(
    ({ id, localStart, localEnd, kind, label }) => ({ id, localStart, localEnd, kind, label }),
  );
}

/**
 * Conflicts that reveal votes stay with organisers while a blind vote is open;
 * "host-unavailable" always does (when someone cannot come is theirs and the
 * organisers' business).
 */
export function conflictsFor(all: readonly ConflictFact[], event: Event, isOrganiser: boolean): ConflictFact[] {
  const shown = isOrganiser ? [...all] : all.filter((c) => c.kind !== "host-unavailable");
  if (talliesVisible(event, isOrganiser)) return shown;
  return shown.filter((c) => c.kind !== "over-capacity" && c.kind !== "voter-clash");
}

function currentEvent(db: Db, eventId: string): Event {
  const event = db.select().from(events).where(eq(events.id, eventId)).get();
  if (!event) throw new Error(`no event ${eventId}`);
  return event;
}

export function currentVersion(db: Db, eventId: string): number {
  return db.select({ v: events.version }).from(events).where(eq(events.id, eventId)).get()?.v ?? 0;
}

interface Built {
  version: number;
  /** Full facts (every conflict): what organisers get. */
  organiser: EventFacts;
  /** What everyone else gets (differs only while a blind vote is open). */
  attendee: EventFacts;
}

function buildFacts(db: Db, eventId: string): Built {
  const event = currentEvent(db, eventId);
  const grid = gridFacts(db, event.id);
  const organiser: EventFacts = {
    eventId: event.id,
    version: event.version,
    settings: settingsFact(event),
    rooms: roomFacts(db, event.id),
    slots: slotFacts(db, event.id),
    pitches: pitchFacts(db, event.id),
    placements: grid.placements,
    conflicts: grid.conflicts,
  };
  const attendee = { ...organiser, conflicts: conflictsFor(grid.conflicts, event, false) };
  return { version: event.version, organiser, attendee };
}

function tallyRows(db: Db, eventId: string): Map<string, number> {
  return new Map(
    db
      .select({ pitchId: votes.pitchId, n: count() })
      .from(votes)
      .innerJoin(pitches, eq(pitches.id, votes.pitchId))
      .where(and(eq(votes.eventId, eventId), eq(pitches.status, "open")))
      .groupBy(votes.pitchId)
      .all()
      .map((r) => [r.pitchId, r.n]),
  );
}

/** How often, at most, vote-dependent conflicts are worked out again while votes come in. */
export const CONFLICT_CHECK_MS = 1000;

/**
 * Caches that can be rebuilt from the database at any time (DESIGN.md: the
 * only state allowed in process memory): the facts per event at their
 * version, and the vote counts, kept current by each committed vote.
 */
export function createFactsCache(
  options: {
    /** After each build: the server logs it (`snapshotBuilds`, read by the live benchmark's reconnect storms). */
    onBuild?: (eventId: string, version: number, builds: number) => void;
  } = {},
) {
  const facts = new Map<string, Built>();
  const tallies = new Map<string, Map<string, number>>();
  const going = new Map<string, Map<string, GoingCount>>();
  const conflictChecks = new Map<string, ReturnType<typeof setTimeout>>();
  let builds = 0;
  return {
    /**
     * Votes move no version, yet two conflicts depend on them (over capacity,
     * shared voters). At most once a second per event that has votes coming
     * in, the grid's conflicts are worked out again and, when they changed,
     * published as a version of their own, so pages and snapshots agree.
     */
    checkConflictsSoon(ctx: ServiceContext, eventId: string): void {
      if (conflictChecks.has(eventId)) return;
      const timer = setTimeout(() => {
        conflictChecks.delete(eventId);
        try {
          const built = this.facts(ctx.db, eventId);
          const current = built.organiser;
          if (current.placements.length === 0) return;
          const fresh = gridFacts(ctx.db, eventId).conflicts;
          if (JSON.stringify(fresh) === JSON.stringify(current.conflicts)) return;
          if (!talliesVisible(current.settings, false)) {
            // Blind vote: what attendees see cannot have changed, and even an empty push to them would
            // say that hidden counts moved a conflict. Organisers alone get the new conflicts, at the
            // same version, and their snapshot follows.
            built.organiser = { ...current, conflicts: fresh };
            ctx.publish.organiserConflicts(eventId, current.version, fresh);
            return;
          }
          const version = ctx.db.transaction((tx) => nextVersion(tx, eventId));
          publishChange(ctx, eventId, version, { grid: true });
        } catch (error) {
          ctx.logger.error({ err: error, eventId }, "conflict check failed");
        }
      }, CONFLICT_CHECK_MS);
      timer.unref?.();
      conflictChecks.set(eventId, timer);
    },
    close(): void {
      for (const timer of conflictChecks.values()) clearTimeout(timer);
      conflictChecks.clear();
    },
    /** The facts at the event's current version; built at most once per version. */
    facts(db: Db, eventId: string): Built {
      const version = currentVersion(db, eventId);
      const cached = facts.get(eventId);
      if (cached && cached.version === version) return cached;
      const built = buildFacts(db, eventId);
      builds++;
      facts.set(eventId, built);
      options.onBuild?.(eventId, built.version, builds);
      return built;
    },
    tallies(db: Db, eventId: string): Map<string, number> {
      let map = tallies.get(eventId);
      if (!map) {
        map = tallyRows(db, eventId);
        tallies.set(eventId, map);
      }
      return map;
    },
    /** After a committed vote: the pitch's new count. */
    setTally(eventId: string, pitchId: string, votes: number): void {
      tallies.get(eventId)?.set(pitchId, votes);
    },
    /** "I'm going" counts, kept current by each committed mark like the tallies. */
    going(db: Db, eventId: string): Map<string, GoingCount> {
      let map = going.get(eventId);
      if (!map) {
        map = goingCountRows(db, eventId);
        going.set(eventId, map);
      }
      return map;
    },
    setGoingCount(eventId: string, pitchId: string, counts: GoingCount): void {
      going.get(eventId)?.set(pitchId, counts);
    },
    /** After a write that moves or releases votes in bulk (hide, merge, import). */
    dropTallies(eventId: string): void {
      tallies.delete(eventId);
    },
    /** How many snapshots were built since start (logged, and read by the benchmark). */
    get builds() {
      return builds;
    },
  };
}
export type FactsCache = ReturnType<typeof createFactsCache>;

/** The tallies this viewer may see, as a plain object; null while a blind vote hides them. */
export function talliesFor(ctx: Pick<ServiceContext, "db" | "facts">, event: Event, isOrganiser: boolean) {
  if (!talliesVisible(event, isOrganiser)) return null;
  return Object.fromEntries(ctx.facts.tallies(ctx.db, event.id)) as Tallies;
}

export function personalFacts(ctx: Pick<ServiceContext, "db">, viewer: Viewer): PersonalFacts {
  const attendee = viewer.attendee;
  if (!attendee)
    return {
      isOrganiser: viewer.isOrganiser,
      attendee: null,
      myVotes: [],
      myPitches: [],
      mentions: 0,
      coHosting: [],
      invitations: 0,
      myGoing: [],
    };
  return {
    isOrganiser: viewer.isOrganiser,
    attendee: { id: attendee.id, name: attendee.name, nameInWriteups: attendee.nameInWriteups },
    myVotes: ctx.db
      .select({ id: votes.pitchId })
      .from(votes)
      .where(and(eq(votes.eventId, viewer.event.id), eq(votes.attendeeId, attendee.id)))
      .all()
      .map((r) => r.id),
    myPitches: ctx.db
      .select({ id: pitches.id })
      .from(pitches)
      .where(
        and(
          eq(pitches.eventId, viewer.event.id),
          eq(pitches.attendeeId, attendee.id),
          // Hidden ones too: an organiser may show them again, and they are still this person's.
          inArray(pitches.status, ["open", "hidden"]),
        ),
      )
      .all()
      .map((r) => r.id),
    mentions: mentionCount(ctx, viewer.event.id, attendee.id),
    coHosting: coHostedPitchIds(ctx.db, viewer.event.id, attendee.id),
    invitations: invitationCount(ctx.db, viewer.event.id, attendee.id),
    myGoing: myGoingMarks(ctx.db, viewer.event.id, attendee.id),
  };
}

/** "I'm going" counts as a plain object (public: no vote is revealed by them). */
export function goingFor(ctx: Pick<ServiceContext, "db" | "facts">, eventId: string): Record<string, GoingCount> {
  return Object.fromEntries(ctx.facts.going(ctx.db, eventId));
}

/** First loads, reconnects and version gaps: the shared facts plus this viewer's own part. */
export function eventSnapshot(ctx: Pick<ServiceContext, "db" | "facts">, viewer: Viewer): EventSnapshot {
  const built = ctx.facts.facts(ctx.db, viewer.event.id);
  // The viewer's event row may be older than the facts; visibility follows the facts' settings.
  const event = { ...viewer.event, ...built.organiser.settings };
  return {
    facts: viewer.isOrganiser ? built.organiser : built.attendee,
    tallies: talliesFor(ctx, event as Event, viewer.isOrganiser),
    going: goingFor(ctx, viewer.event.id),
    personal: personalFacts(ctx, viewer),
  };
}

/** Which parts a write changed; `publishChange` reads them back after the commit. */
export interface ChangedParts {
  settings?: boolean;
  rooms?: boolean;
  slots?: boolean;
  /** Pitches added or edited (open or merged now). */
  pitchIds?: readonly string[];
  /** Pitches withdrawn or hidden: they leave every page. */
  removedPitchIds?: readonly string[];
  /** Placements changed (conflicts are sent with them). */
  grid?: boolean;
  /** Votes moved or were released in bulk (hide, merge): everyone's counts are sent. */
  tallies?: boolean;
}

/**
 * Right after the commit of the write that made `version`: reads the changed
 * parts back and pushes them to the event's pages. Synchronous, so no other
 * write can come between the commit and what is read here.
 */
export function publishChange(ctx: ServiceContext, eventId: string, version: number, parts: ChangedParts): void {
  const db = ctx.db;
  const event = currentEvent(db, eventId);
  // The committed row, at its new version, for the sockets' cached viewers.
  ctx.events.put(event);
  const patch: EventPatch = {};
  if (parts.settings) patch.settings = settingsFact(event);
  if (parts.rooms) patch.rooms = roomFacts(db, eventId);
  if (parts.slots) patch.slots = slotFacts(db, eventId);
  if (parts.pitchIds?.length) patch.pitches = pitchFacts(db, eventId, parts.pitchIds);
  if (parts.removedPitchIds?.length) patch.removedPitchIds = [...parts.removedPitchIds];
  let allConflicts: ConflictFact[] | undefined;
  // Settings can change who sees vote-revealing conflicts, so they travel together.
  if (parts.grid || parts.rooms || parts.slots || parts.settings || parts.removedPitchIds?.length) {
    const grid = gridFacts(db, eventId);
    patch.placements = grid.placements;
    allConflicts = grid.conflicts;
  }
  // Counts of pitches that left or came back are rebuilt on the next read.
  if (parts.tallies || parts.removedPitchIds?.length) ctx.facts.dropTallies(eventId);
  const withTallies = parts.tallies || parts.settings;
  const organiserPatch: EventPatch = {
    ...patch,
    ...(allConflicts ? { conflicts: allConflicts } : {}),
    ...(withTallies ? { tallies: Object.fromEntries(ctx.facts.tallies(db, eventId)) } : {}),
  };
  const attendeeTallies = withTallies ? talliesFor(ctx, event, false) : null;
  const attendeePatch: EventPatch = {
    ...patch,
    ...(allConflicts ? { conflicts: conflictsFor(allConflicts, event, false) } : {}),
    ...(attendeeTallies ? { tallies: attendeeTallies } : {}),
  };
  ctx.publish.patch(eventId, version, attendeePatch, organiserPatch);
}
