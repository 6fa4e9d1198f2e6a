import type { EventFileInput } from "../../app/schemas/eventFile";
import { importLimits as most } from "../../app/schemas/limits";
import { seededRandom } from "./generateEvent";

/**
 * An event file at the largest size the import limits allow
 * (app/schemas/limits.ts): every count at its maximum (rooms, slots,
 * sessions, notes, ballots, votes), sessions packed into few slots so every
 * slot holds a room's worth of sessions with shared voters (the grid's
 * voter-clash check), one session with the most notes one may hold, and
 * text long enough that the file is near the byte cap.
 */

const WORDS =
  "team release data users research contract legal budget service design test deploy review policy access content security ops community process risk cloud".split(
    " ",
  );

export function largestEventFile(options: { noteChars?: number; seed?: number } = {}): EventFileInput {
  const random = seededRandom(options.seed ?? 10);
  const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
  const text = (chars: number) => {
    let out = "";
    while (out.length < chars) out += `${random() < 0.2 ? "**" : ""}${words(12)}${random() < 0.2 ? "**" : ""}. `;
    return out.slice(0, chars);
  };
  const noteChars = options.noteChars ?? 1200;
  const rooms = Array.from({ length: most.rooms }, (_, i) => ({ name: `Room ${i + 1}`, capacity: 10 + (i % 40) }));
  const day = (i: number) => `2026-12-${String(1 + Math.floor(i / 40)).padStart(2, "0")}`;
  const clock = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  const timeSlots = Array.from({ length: most.timeSlots }, (_, i) => {
    const start = 7 * 60 + (i % 40) * 20;
    return {
      start: `${day(i)}T${clock(start)}`,
      end: `${day(i)}T${clock(start + 15)}`,
      kind: "sessions" as const,
      label: `Slot ${i + 1}`,
    };
  });
  // One session holds the most notes a session may; the rest share what is left of the event's limit.
  const notesFor = (i: number) =>
    i === 0
      ? most.notesPerSession
      : Math.floor((most.notesPerEvent - most.notesPerSession) / (most.sessions - 1)) +
        (i <= (most.notesPerEvent - most.notesPerSession) % (most.sessions - 1) ? 1 : 0);
  const sessions = Array.from({ length: most.sessions }, (_, i) => ({
    title: `Session ${i + 1}: ${words(6)}`.slice(0, 120),
    description: text(2000),
    tags: Array.from({ length: most.tagsPerSession }, (_, t) => `tag${(i + t) % 40}`),
    chathamHouse: i % 7 === 0,
    notesLocked: false,
    pitcher: i % 3 === 0 ? null : `Pitcher ${i % 150}`,
    createdAt: new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString(),
    // Every room of the first slots is taken: each such slot holds as many sessions as there are rooms.
    placement: {
      room: `Room ${(i % most.rooms) + 1}`,
      start: timeSlots[Math.floor(i / most.rooms)]?.start ?? "",
      pinned: false,
    },
    notes: Array.from({ length: notesFor(i) }, (_, j) => {
      const kind = (["note", "tip", "blocker", "quote", "action"] as const)[j % 5] ?? "note";
      return {
        kind,
        text: text(noteChars),
        blocker: kind === "blocker" ? text(300) : null,
        impact: kind === "blocker" ? text(200) : null,
        helped: kind === "blocker" ? text(200) : null,
        saidBy: j % 4 === 0 ? `Speaker ${j % 50}` : null,
        author: j % 2 === 0 ? `Note-taker ${j % 200}` : null,
        createdAt: new Date(Date.UTC(2026, 11, 1, 10, 0, j % 60)).toISOString(),
      };
    }),
  }));
  // Every ballot has the same number of votes, so ballots x votes is the vote limit.
  const perBallot = Math.floor(most.votes / most.ballots);
  const ballots = Array.from({ length: most.ballots }, () => {
    const chosen = new Set<number>();
    // Most votes go to a few popular sessions in the same slots: shared voters everywhere.
    while (chosen.size < perBallot) chosen.add(Math.floor(random() ** 2 * most.sessions));
    return [...chosen];
  });
  return {
    format: "unconf-event",
    version: 1,
    event: {
      name: "Largest camp",
      date: "2026-12-01",
      timeZone: "Europe/London",
      private: false,
      pitchingOpen: true,
      votingOpen: true,
      votesPerAttendee: 50,
      blindVoting: false,
      shufflePitches: false,
    },
    rooms,
    timeSlots,
    sessions,
    ballots,
  };
}
