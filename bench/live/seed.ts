import { renderMarkdown } from "../../app/domain/markdown.server";
import { createIdentityCookie, hashSecret } from "../../app/services/identity.server";
import { newId, newSecretKey } from "../../app/services/ids.server";
import { closeDatabase, openDatabase } from "../../db/client";
import { attendees, capturedItems, events, pitches, placements, rooms, timeSlots, votes } from "../../db/schema";
import { generateEvent } from "../../tests/helpers/generateEvent";

/**
 * Builds the benchmark's database before the server starts, straight through
 * the app's drizzle schema and migrations (db/client.ts), with Markdown
 * rendered by the app's own renderer as the services store it:
 *
 * - "hall": the event at size. 200 pitches, 2,000 attendees with 3 votes each
 *   (on the first 140 pitches, Zipf-like popularity from
 *   tests/helpers/generateEvent.ts; the last 60 pitches start with none and
 *   take the benchmark's vote bursts), 10 rooms x 8 slots with 60 sessions
 *   placed in the first 6 slots, and 3,000 captured items (200 in the first
 *   session, the rest spread over the other 59). Voting is open with 20
 *   votes per attendee (3 used), so the bursts have room.
 * - "suggest": 60 pitches, 10 rooms, 6 slots, 500 attendees with 3 votes
 *   each, nothing placed: the input of "Suggest a grid".
 *
 * Attendees' cookies are minted with the app's identity cookie and the
 * server's SESSION_SECRET, as joining over HTTP would set them.
 */

export interface HallEvent {
  eventId: string;
  slug: string;
  organiserCookie: string;
  /** Cookies of the 2,000 attendees, in order. */
  attendeeCookies: string[];
  attendeeIds: string[];
  /** An attendee not among the connected ones, who posts the fan-out pitches. */
  pitcherCookie: string;
  pitchIds: string[];
  roomIds: string[];
  slotIds: string[];
  /** Cells left free (slots 7 and 8), for the fan-out placements. */
  freeCells: Array<{ roomId: string; slotId: string }>;
  /** The session with 200 items. */
  bigSessionId: string;
  /** Another placed session, for the capture stream. */
  captureSessionId: string;
  /** Votes in the database at the start. */
  seededVotes: number;
  votesPerAttendee: number;
}

export interface SuggestEvent {
  slug: string;
  organiserCookie: string;
}

const DESCRIPTIONS = [
  "We keep shipping *small* changes, and it works. Come and hear how we got there, what broke on the way, and [the checklist](https://example.org/checklist) we use now.\n\n- what we measure\n- who decides\n- how we roll back",
  "A conversation, not a talk: bring **one problem** you have with user research in a regulated service. We will pick three and work through them together.",
  "How do you run a service team across four departments? Lessons from two years of doing it badly and one year of doing it a bit better.\n\n1. shared backlog\n2. one budget line\n3. a weekly show and tell",
  "Accessibility beyond the audit: *making it part of every story*. Short demo of our screen reader rota, then open discussion.",
  "Data sharing agreements take 9 months. Let's talk about why, and whether the template in [this repo](https://example.org/dsa) helps.",
];

const ITEM_TEXTS = [
  "Ship *small* changes: the team that deploys daily had fewer incidents than the one deploying monthly.",
  "Tip: keep a **decision log** next to the backlog, one line per decision, with a date and who was in the room.",
  "Quote of the session: “nobody reads the policy, everybody reads the form”.",
  "Action: share the [research ops playbook](https://example.org/playbook) with the other departments by Friday.",
  "Note: three of the five teams had no way to see their service's user satisfaction. Two built a dashboard; one asked users directly every week.",
  "Procurement frameworks cap the contract length, so continuity comes from *people*, not suppliers.",
  "Blocked by the security review queue: six weeks on average. What helped was a pre-agreed pattern library.",
];

const KINDS = ["note", "note", "tip", "quote", "action", "blocker", "note"] as const;

function htmlOf(fields: { text: string; blocker?: string; impact?: string; helped?: string }) {
  return {
    text: renderMarkdown(fields.text),
    blocker: renderMarkdown(fields.blocker ?? ""),
    impact: renderMarkdown(fields.impact ?? ""),
    helped: renderMarkdown(fields.helped ?? ""),
  };
}

function chunks<T>(rows: T[], size = 400): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function cookieFor(
  cookie: ReturnType<typeof createIdentityCookie>,
  eventId: string,
  part: { a?: string; o?: string },
): Promise<string> {
  const identity = {
    a: part.a ? { [eventId]: part.a } : {},
    o: part.o ? { [eventId]: part.o } : {},
    p: {},
  };
  const header = await cookie.serialize(identity);
  return header.split(";")[0] as string;
}

const iso = (base: number, seconds: number) => new Date(base + seconds * 1000).toISOString();

export async function seedDatabase(
  path: string,
  secret: string,
  size: { attendees: number } = { attendees: 2000 },
): Promise<{ hall: HallEvent; suggest: SuggestEvent }> {
  const db = openDatabase(path);
  const cookie = createIdentityCookie(secret);
  const base = Date.parse("2026-11-20T09:00:00.000Z");
  try {
    // --- hall ---------------------------------------------------------------------------------
    const hallId = newId();
    const hallKey = newSecretKey();
    const votesPerAttendee = 20;
    const shape = generateEvent({ seed: 20261201, pitches: 140, rooms: 10, slots: 8, attendees: size.attendees });
    const attendeeIds = Array.from({ length: size.attendees }, () => newId());
    const pitcherAttendee = newId();
    const pitchIds = Array.from({ length: 200 }, () => newId());
    const roomIds = Array.from({ length: 10 }, () => newId());
    const slotIds = Array.from({ length: 8 }, () => newId());
    const attendeeIndex = (generated: string) => Number(generated.slice(1));
    const voteRows: Array<typeof votes.$inferInsert> = [];
    shape.pitches.forEach((p, pitchIndex) => {
      for (const voter of p.voters) {
        const a = attendeeIndex(voter);
        voteRows.push({
          eventId: hallId,
          pitchId: pitchIds[pitchIndex] as string,
          attendeeId: attendeeIds[a] as string,
          createdAt: iso(base, 3600 + voteRows.length / 10),
        });
      }
    });
    const descriptionHtml = DESCRIPTIONS.map(renderMarkdown);
    const itemHtml = ITEM_TEXTS.map((text) => htmlOf({ text }));
    const blockerHtml = htmlOf({
      text: "",
      blocker: ITEM_TEXTS[6] as string,
      impact: "Six weeks lost per release.",
      helped: "A *pre-agreed* pattern library.",
    });

    db.transaction((tx) => {
      tx.insert(events)
        .values({
          id: hallId,
          slug: "hall-camp",
          name: "Hall Camp",
          date: "2026-12-01",
          timeZone: "Europe/London",
          organiserKeyHash: hashSecret(hallKey),
          pitchingOpen: true,
          votingOpen: true,
          votesPerAttendee,
          blindVoting: false,
          shufflePitches: false,
          version: 1,
          createdAt: iso(base, 0),
        })
        .run();
      const attendeeRows = attendeeIds.map((id, i) => ({
        id,
        eventId: hallId,
        name: i % 7 === 0 ? "" : `Attendee ${i + 1}`,
        nameInWriteups: i % 3 === 0,
        createdAt: iso(base, 60 + i / 100),
      }));
      attendeeRows.push({
        id: pitcherAttendee,
        eventId: hallId,
        name: "Bench pitcher",
        nameInWriteups: true,
        createdAt: iso(base, 59),
      });
      for (const rows of chunks(attendeeRows)) tx.insert(attendees).values(rows).run();
      tx.insert(rooms)
        .values(
          roomIds.map((id, i) => ({
            id,
            eventId: hallId,
            name: `Room ${i + 1}`,
            capacity: [20, 30, 40, 60, 80, 100, 150, 200, 300, 500][i] as number,
            position: i,
          })),
        )
        .run();
      tx.insert(timeSlots)
        .values(
          slotIds.map((id, i) => {
            const hour = String(9 + i).padStart(2, "0");
            return {
              id,
              eventId: hallId,
              localStart: `2026-12-01T${hour}:00`,
              localEnd: `2026-12-01T${hour}:45`,
              kind: "sessions" as const,
            };
          }),
        )
        .run();
      const pitchRows = pitchIds.map((id, i) => {
        const generated = shape.pitches[i];
        const pitcher = generated?.pitcherId ? attendeeIds[attendeeIndex(generated.pitcherId)] : null;
        return {
          id,
          eventId: hallId,
          attendeeId: i >= 140 ? (attendeeIds[(i * 37) % size.attendees] as string) : (pitcher ?? null),
          clientId: `seed-${i}`,
          title: `Session ${i + 1}: ${["Shipping small", "Research ops", "Service teams", "Accessibility", "Data sharing"][i % 5]} (${i + 1})`,
          description: DESCRIPTIONS[i % DESCRIPTIONS.length] as string,
          descriptionHtml: descriptionHtml[i % DESCRIPTIONS.length] as string,
          tags: [["delivery"], ["research", "ops"], ["teams"], ["a11y"], ["data", "policy"]][i % 5] as string[],
          createdAt: iso(base, 600 + i * 30),
        };
      });
      for (const rows of chunks(pitchRows, 100)) tx.insert(pitches).values(rows).run();
      for (const rows of chunks(voteRows)) tx.insert(votes).values(rows).run();
      // 60 sessions in the first 6 slots.
      const placementRows = Array.from({ length: 60 }, (_, i) => ({
        pitchId: pitchIds[i] as string,
        eventId: hallId,
        roomId: roomIds[i % 10] as string,
        slotId: slotIds[Math.floor(i / 10)] as string,
      }));
      tx.insert(placements).values(placementRows).run();
      // 3,000 items: 200 in session 0, 2,800 over sessions 1..59.
      const itemRows: Array<typeof capturedItems.$inferInsert> = [];
      for (let n = 0; n < 3000; n++) {
        const session = n < 200 ? 0 : 1 + ((n - 200) % 59);
        const kind = KINDS[n % KINDS.length] as (typeof KINDS)[number];
        const t = n % ITEM_TEXTS.length;
        itemRows.push({
          id: newId(),
          eventId: hallId,
          pitchId: pitchIds[session] as string,
          authorId: attendeeIds[(n * 13) % size.attendees] as string,
          kind,
          text: kind === "blocker" ? "" : (ITEM_TEXTS[t] as string),
          blocker: kind === "blocker" ? (ITEM_TEXTS[6] as string) : null,
          impact: kind === "blocker" ? "Six weeks lost per release." : null,
          helped: kind === "blocker" ? "A *pre-agreed* pattern library." : null,
          html: kind === "blocker" ? blockerHtml : (itemHtml[t] as ReturnType<typeof htmlOf>),
          saidBy: n % 11 === 0 ? "Sam from the DWP" : null,
          saidByConsent: n % 22 === 0,
          createdAt: iso(base, 7200 + n),
        });
      }
      for (const rows of chunks(itemRows)) tx.insert(capturedItems).values(rows).run();
    });

    const hall: HallEvent = {
      eventId: hallId,
      slug: "hall-camp",
      organiserCookie: await cookieFor(cookie, hallId, { o: hallKey }),
      attendeeCookies: await Promise.all(attendeeIds.map((a) => cookieFor(cookie, hallId, { a }))),
      attendeeIds,
      pitcherCookie: await cookieFor(cookie, hallId, { a: pitcherAttendee }),
      pitchIds,
      roomIds,
      slotIds,
      freeCells: [6, 7].flatMap((s) => roomIds.map((roomId) => ({ roomId, slotId: slotIds[s] as string }))),
      bigSessionId: pitchIds[0] as string,
      captureSessionId: pitchIds[1] as string,
      seededVotes: voteRows.length,
      votesPerAttendee,
    };

    // --- suggest --------------------------------------------------------------------------------
    const suggestId = newId();
    const suggestKey = newSecretKey();
    const small = generateEvent({ seed: 60106, pitches: 60, rooms: 10, slots: 6, attendees: 500 });
    const smallAttendees = Array.from({ length: 500 }, () => newId());
    const smallPitches = small.pitches.map(() => newId());
    db.transaction((tx) => {
      tx.insert(events)
        .values({
          id: suggestId,
          slug: "suggest-camp",
          name: "Suggest Camp",
          date: "2026-12-01",
          timeZone: "Europe/London",
          organiserKeyHash: hashSecret(suggestKey),
          votingOpen: true,
          votesPerAttendee: 3,
          shufflePitches: false,
          version: 1,
        })
        .run();
      for (const rows of chunks(smallAttendees.map((id, i) => ({ id, eventId: suggestId, name: `Person ${i + 1}` })))) {
        tx.insert(attendees).values(rows).run();
      }
      tx.insert(rooms)
        .values(
          small.rooms.map((r, i) => ({
            id: newId(),
            eventId: suggestId,
            name: `Room ${i + 1}`,
            capacity: r.capacity,
            position: i,
          })),
        )
        .run();
      tx.insert(timeSlots)
        .values(
          small.slots.map((_, i) => {
            const hour = String(9 + i).padStart(2, "0");
            return {
              id: newId(),
              eventId: suggestId,
              localStart: `2026-12-01T${hour}:00`,
              localEnd: `2026-12-01T${hour}:50`,
              kind: "sessions" as const,
            };
          }),
        )
        .run();
      tx.insert(pitches)
        .values(
          small.pitches.map((p, i) => ({
            id: smallPitches[i] as string,
            eventId: suggestId,
            attendeeId: p.pitcherId ? (smallAttendees[Number(p.pitcherId.slice(1)) % 500] as string) : null,
            title: `Suggest pitch ${i + 1}`,
            description: "",
            descriptionHtml: "",
            createdAt: iso(base, 600 + i * 30),
          })),
        )
        .run();
      const rows = small.pitches.flatMap((p, i) =>
        p.voters.map((v) => ({
          eventId: suggestId,
          pitchId: smallPitches[i] as string,
          attendeeId: smallAttendees[Number(v.slice(1))] as string,
        })),
      );
      for (const part of chunks(rows)) tx.insert(votes).values(part).run();
    });
    return {
      hall,
      suggest: { slug: "suggest-camp", organiserCookie: await cookieFor(cookie, suggestId, { o: suggestKey }) },
    };
  } finally {
    closeDatabase(db);
  }
}
