import { createHash, randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { seededRandom } from "./generateEvent";

/**
 * A large event written straight into a SQLite file (already migrated), the
 * size issue 9 measures: 200 pitches, 2,000 attendees with 3 votes each,
 * 10 rooms x 8 slots, 60 placed sessions with 3,000 captured items of varied
 * Markdown. Going round the services keeps it fast (about a second) and lets a
 * test decide whether the stored HTML is filled (`render`) or left empty, as
 * rows written before the HTML columns existed are.
 */

export interface LargeEventShape {
  seed?: number;
  pitches?: number;
  attendees?: number;
  votesPerAttendee?: number;
  rooms?: number;
  slots?: number;
  sessionsWithItems?: number;
  items?: number;
}

export interface LargeEvent {
  eventId: string;
  slug: string;
  /** The organiser key in the clear; the row stores its hash. */
  organiserKey: string;
  pitchIds: string[];
  /** The pitch with the most items, for a session page. */
  busiestPitchId: string;
  itemCount: number;
}

type Render = (markdown: string) => string;

const WORDS =
  "team release data users research contract legal budget service design test deploy review policy access content security ops community process risk cloud".split(
    " ",
  );

function id(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(6, "0")}xxxxxxxxxxxxxx`.slice(0, 21);
}

/** Markdown as people type it in sessions: mostly short prose, sometimes lists, links, code or a footnote. */
export function noteMarkdown(random: () => number, n: number): string {
  const word = () => WORDS[Math.floor(random() * WORDS.length)] as string;
  const sentence = (len: number) => {
    const words = Array.from({ length: len }, word);
    const w = words.length;
    if (random() < 0.3) words[Math.floor(random() * w)] = `**${word()}**`;
    if (random() < 0.2) words[Math.floor(random() * w)] = `_${word()}_`;
    if (random() < 0.15) words[Math.floor(random() * w)] = `\`${word()}()\``;
    if (random() < 0.15) words[Math.floor(random() * w)] = `[${word()}](https://example.org/${word()}?n=${n})`;
    const s = words.join(" ");
    return `${s[0]?.toUpperCase()}${s.slice(1)}.`;
  };
  const paragraph = () =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, () => sentence(6 + Math.floor(random() * 12))).join(" ");
  const r = random();
  if (r < 0.1) return `${paragraph()}\n\n- ${sentence(5)}\n- ${sentence(4)}\n- ${sentence(6)}`;
  if (r < 0.15) return `${paragraph()}[^1]\n\n[^1]: ${sentence(5)}`;
  if (r < 0.18) return `## ${sentence(3)}\n\n${paragraph()}`;
  if (r < 0.2) return `${paragraph()} <b>raw</b> & <img src=x onerror=alert(${n})>`;
  if (r < 0.3) return `${paragraph()}\n\n${paragraph()}`;
  return paragraph();
}

export function writeLargeEvent(
  sqlite: Database.Database,
  shape: LargeEventShape = {},
  options: { render?: Render; slug?: string } = {},
): LargeEvent {
  const s = {
    seed: 9,
    pitches: 200,
    attendees: 2000,
    votesPerAttendee: 3,
    rooms: 10,
    slots: 8,
    sessionsWithItems: 60,
    items: 3000,
    ...shape,
  };
  const random = seededRandom(s.seed);
  const render = options.render;
  const html = (markdown: string | null) => (render && markdown ? render(markdown) : "");
  const slug = options.slug ?? `large-${randomBytes(3).toString("hex")}`;
  const eventId = id("evt", s.seed);
  const organiserKey = randomBytes(24).toString("base64url");
  const pitchIds: string[] = [];
  let busiestPitchId = "";

  sqlite.transaction(() => {
    // The organiser key is stored as identity.server.ts's hashSecret stores it.
    sqlite
      .prepare(
        `insert into events (id, slug, name, date, time_zone, organiser_key_hash, voting_open, votes_per_attendee)
         values (?, ?, ?, '2026-12-01', 'Europe/London', ?, 1, ?)`,
      )
      .run(
        eventId,
        slug,
        `Large camp ${slug}`,
        createHash("sha256").update(organiserKey, "utf8").digest("hex"),
        s.votesPerAttendee,
      );
    const roomIds = Array.from({ length: s.rooms }, (_, i) => id("room", i));
    const addRoom = sqlite.prepare("insert into rooms (id, event_id, name, capacity, position) values (?, ?, ?, ?, ?)");
    roomIds.forEach((roomId, i) => {
      addRoom.run(roomId, eventId, `Room ${i + 1}`, 20 + 15 * i, i);
    });
    const slotIds = Array.from({ length: s.slots }, (_, i) => id("slot", i));
    const addSlot = sqlite.prepare(
      "insert into time_slots (id, event_id, local_start, local_end, kind) values (?, ?, ?, ?, 'sessions')",
    );
    slotIds.forEach((slotId, i) => {
      const hour = String(9 + i).padStart(2, "0");
      addSlot.run(slotId, eventId, `2026-12-01T${hour}:00`, `2026-12-01T${hour}:50`);
    });
    const attendeeIds = Array.from({ length: s.attendees }, (_, i) => id("att", i));
    const addAttendee = sqlite.prepare(
      "insert into attendees (id, event_id, name, name_in_writeups) values (?, ?, ?, ?)",
    );
    attendeeIds.forEach((a, i) => {
      addAttendee.run(a, eventId, `Person ${i}`, i % 3 === 0 ? 1 : 0);
    });
    const addPitch = sqlite.prepare(
      `insert into pitches (id, event_id, attendee_id, title, description, description_html, tags, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < s.pitches; i++) {
      const pitchId = id("pit", i);
      pitchIds.push(pitchId);
      const description = noteMarkdown(random, i);
      addPitch.run(
        pitchId,
        eventId,
        attendeeIds[Math.floor(random() * Math.min(300, s.attendees))] ?? null,
        `Session ${i + 1}: ${WORDS[i % WORDS.length]} & ${WORDS[(i * 7) % WORDS.length]}`,
        description,
        html(description),
        JSON.stringify([WORDS[i % 5]]),
        new Date(Date.UTC(2026, 10, 30, 8, 0, i)).toISOString(),
      );
    }
    const addVote = sqlite.prepare("insert into votes (event_id, pitch_id, attendee_id) values (?, ?, ?)");
    for (const a of attendeeIds) {
      const chosen = new Set<string>();
      while (chosen.size < Math.min(s.votesPerAttendee, pitchIds.length)) {
        // Skewed: low-numbered pitches are wanted more.
        const k = Math.floor(pitchIds.length * random() ** 2);
        chosen.add(pitchIds[k] as string);
      }
      for (const p of chosen) addVote.run(eventId, p, a);
    }
    const addPlacement = sqlite.prepare(
      "insert into placements (pitch_id, event_id, room_id, slot_id) values (?, ?, ?, ?)",
    );
    const placed = pitchIds.slice(0, Math.min(s.sessionsWithItems, s.rooms * s.slots));
    placed.forEach((p, i) => {
      addPlacement.run(p, eventId, roomIds[i % s.rooms], slotIds[Math.floor(i / s.rooms) % s.slots]);
    });
    const addItem = sqlite.prepare(
      `insert into captured_items
         (id, event_id, pitch_id, author_id, kind, text, blocker, impact, helped, html, said_by, said_by_consent, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const kinds = ["note", "note", "note", "tip", "blocker", "quote", "action"] as const;
    const perPitch = new Map<string, number>();
    for (let i = 0; i < s.items; i++) {
      // Uneven sessions: a few hold many more items than others.
      const pitchId = placed[Math.floor(placed.length * random() ** 1.5)] as string;
      perPitch.set(pitchId, (perPitch.get(pitchId) ?? 0) + 1);
      const kind = kinds[Math.floor(random() * kinds.length)] as (typeof kinds)[number];
      const story = kind === "blocker";
      const text = story && random() < 0.5 ? "" : noteMarkdown(random, i);
      const blocker = story ? noteMarkdown(random, i) : null;
      const impact = story ? noteMarkdown(random, i) : null;
      const helped = story ? noteMarkdown(random, i) : null;
      const saidBy = random() < 0.3 ? `Speaker ${i % 40}` : null;
      addItem.run(
        id("itm", i),
        eventId,
        pitchId,
        attendeeIds[Math.floor(random() * s.attendees)] ?? null,
        kind,
        text,
        blocker,
        impact,
        helped,
        JSON.stringify({ text: html(text), blocker: html(blocker), impact: html(impact), helped: html(helped) }),
        saidBy,
        saidBy && random() < 0.5 ? 1 : 0,
        new Date(Date.UTC(2026, 11, 1, 9, 0, 0, i)).toISOString(),
      );
    }
    busiestPitchId = [...perPitch].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  })();

  return { eventId, slug, organiserKey, pitchIds, busiestPitchId, itemCount: s.items };
}
