import { count } from "drizzle-orm";
import { renderItemHtml, renderPitchHtml } from "../app/domain/markdown.server";
import { hashSecret } from "../app/services/identity.server";
import { newId, newSecretKey } from "../app/services/ids.server";
import type { Db } from "./client";
import { attendees, capturedItems, events, pitches, placements, rooms, timeSlots, votes } from "./schema";

/**
 * "Demo Camp": enough of a real day to click through every page. Made only
 * when the database holds no event at all, so it never touches real data.
 */
export function seedDemoIfEmpty(
  db: Db,
  today = new Date(),
): { slug: string; name: string; organiserKey: string } | null {
  const existing = db.select({ n: count() }).from(events).get();
  if ((existing?.n ?? 0) > 0) return null;
  return seedDemo(db, today);
}

const demoPitches: Array<{ title: string; description: string; tags: string[] }> = [
  {
    title: "Open data without the lawyers",
    description: "How do we publish datasets **fast** when every release needs sign-off?",
    tags: ["data", "policy"],
  },
  {
    title: "Accessibility beyond the checklist",
    description: "Real stories of testing with disabled users, not just automated scans.",
    tags: ["a11y"],
  },
  {
    title: "Procurement that lets us ship",
    description: "Blocker stories welcome: contracts that stopped a team from iterating.",
    tags: ["procurement"],
  },
  {
    title: "Remote-first at a hybrid event",
    description: "What makes a session work for the people dialling in?",
    tags: ["hybrid"],
  },
  {
    title: "User research on a shoestring",
    description: "Guerrilla testing, pop-up labs and ethics when you have no budget.",
    tags: ["research"],
  },
  { title: "Legacy systems: strangle or rewrite?", description: "Share what worked and what did not.", tags: ["tech"] },
  { title: "Burnout in small teams", description: "A safe space, Chatham House rule applies.", tags: ["people"] },
  {
    title: "Plain English in government",
    description: "Writing for people who are stressed and in a hurry.",
    tags: ["content"],
  },
  {
    title: "Security reviews that don't block",
    description: "Getting from 'no' to 'yes, if' with the security team.",
    tags: ["security"],
  },
  {
    title: "Measuring what matters",
    description: "KPIs that changed behaviour, and ones that made things worse.",
    tags: ["data"],
  },
  {
    title: "Community of practice, year two",
    description: "Keeping a network alive after the launch energy fades.",
    tags: ["community"],
  },
  {
    title: "Design systems for small orgs",
    description: "Do you need one? What is the smallest useful version?",
    tags: ["design"],
  },
];

export function seedDemo(db: Db, today = new Date()): { slug: string; name: string; organiserKey: string } {
  const organiserKey = newSecretKey();
  const date = today.toISOString().slice(0, 10);
  const name = "Demo Camp";
  const slug = "demo-camp";

  db.transaction((tx) => {
    const eventId = newId();
    tx.insert(events)
      .values({
        id: eventId,
        slug,
        name,
        date,
        timeZone: "Europe/London",
        organiserKeyHash: hashSecret(organiserKey),
        votingOpen: true,
        votesPerAttendee: 3,
      })
      .run();

    const roomRows = [
      { name: "Main hall", capacity: 120 },
      { name: "Library", capacity: 40 },
      { name: "Room 2", capacity: 25 },
      { name: "Garden room", capacity: 15 },
    ].map((r, position) => ({ id: newId(), eventId, position, ...r }));
    tx.insert(rooms).values(roomRows).run();

    const slotRows = [
      ["10:00", "10:45", "sessions"],
      ["11:00", "11:45", "sessions"],
      ["11:45", "12:30", "break"],
      ["12:30", "13:15", "sessions"],
      ["13:30", "14:15", "sessions"],
    ].map(([start, end, kind]) => ({
      id: newId(),
      eventId,
      localStart: `${date}T${start}`,
      localEnd: `${date}T${end}`,
      kind: kind as "sessions" | "break",
      label: kind === "break" ? "Lunch" : "",
    }));
    tx.insert(timeSlots).values(slotRows).run();

    const people = ["Asha", "Ben", "Chloé", "Dev", "Ewa", "Femi", "Gus", "Hana", "", "Ivo", "Jude", "Kit"].map(
      (personName, i) => ({ id: newId(), eventId, name: personName, nameInWriteups: i % 3 !== 2 }),
    );
    tx.insert(attendees).values(people).run();

    const pitchRows = demoPitches.map((p, i) => ({
      id: newId(),
      eventId,
      attendeeId: people[i % people.length]?.id ?? null,
      ...p,
      descriptionHtml: renderPitchHtml(p.description),
      chathamHouse: p.title.startsWith("Burnout"),
    }));
    tx.insert(pitches).values(pitchRows).run();

    // A deterministic spread of votes: early pitches are the most wanted.
    const voteRows: Array<typeof votes.$inferInsert> = [];
    people.forEach((person, i) => {
      for (const offset of [0, 1, 3]) {
        const pitch = pitchRows[(i * offset + offset * 2 + (i % 4)) % pitchRows.length];
        if (pitch && !voteRows.some((v) => v.pitchId === pitch.id && v.attendeeId === person.id)) {
          voteRows.push({ eventId, pitchId: pitch.id, attendeeId: person.id });
        }
      }
    });
    tx.insert(votes).values(voteRows).run();

    const sessionSlots = slotRows.filter((s) => s.kind === "sessions");
    const placed = pitchRows.slice(0, 6);
    placed.forEach((pitch, i) => {
      const room = roomRows[i % 2 === 0 ? 0 : 1 + (i % 3)];
      const slot = sessionSlots[Math.floor(i / 2)];
      if (room && slot)
        tx.insert(placements).values({ pitchId: pitch.id, eventId, roomId: room.id, slotId: slot.id }).run();
    });

    const [first, , third, , , , burnout] = pitchRows;
    const noteTaker = people[0]?.id ?? null;
    if (first && third && burnout) {
      const items: Array<Omit<typeof capturedItems.$inferInsert, "html">> = [
        {
          id: newId(),
          eventId,
          pitchId: first.id,
          authorId: noteTaker,
          kind: "note",
          text: "Most teams wait **weeks** for a release sign-off.",
        },
        {
          id: newId(),
          eventId,
          pitchId: first.id,
          authorId: noteTaker,
          kind: "tip",
          text: "Publish a data *preview* first: it needs no sign-off.",
        },
        {
          id: newId(),
          eventId,
          pitchId: first.id,
          authorId: noteTaker,
          kind: "blocker",
          text: "",
          blocker: "Every dataset needed legal review, even open ones.",
          impact: "Releases slipped by three months; users built scrapers instead.",
          helped: "A pre-approved licence template agreed once with legal.",
          saidBy: "Priya",
          saidByConsent: true,
        },
        {
          id: newId(),
          eventId,
          pitchId: first.id,
          authorId: noteTaker,
          kind: "quote",
          text: "Open by default is a promise, not a policy.",
          saidBy: "Sam",
          saidByConsent: false,
        },
        {
          id: newId(),
          eventId,
          pitchId: first.id,
          authorId: noteTaker,
          kind: "action",
          text: "Share the licence template on the community wiki.",
        },
        {
          id: newId(),
          eventId,
          pitchId: third.id,
          authorId: noteTaker,
          kind: "blocker",
          text: "",
          blocker: "Fixed-scope contracts signed before any user research.",
          impact: "The supplier built the wrong thing on time and on budget.",
          helped: "Outcome-based contracts with a discovery phase.",
        },
        {
          id: newId(),
          eventId,
          pitchId: burnout.id,
          authorId: noteTaker,
          kind: "note",
          text: "People named workload spikes around launches.",
          saidBy: "Ewa",
          saidByConsent: true,
        },
      ];
      // Stored HTML as the capture service writes it, so the demo reads like real notes.
      tx.insert(capturedItems)
        .values(items.map((item) => ({ ...item, html: renderItemHtml({ ...item, text: item.text ?? "" }) })))
        .run();
    }
  });

  return { slug, name, organiserKey };
}
