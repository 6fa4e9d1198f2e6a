import { type HttpClient, joinAs } from "./http";

/**
 * A real venue for the organiser's-day tests and the screenshots (issue 12):
 * 12 rooms, 8 slots (two plenaries and a lunch break among them), 34 pitches
 * of which 31 are placed, long titles and a long German word among them.
 */

export const EVENT = "Venue Camp 2026";
export const ROOMS: Array<[string, number]> = [
  ["Main Hall", 200],
  ["Room B", 40],
  ["Room C", 40],
  ["Room D", 30],
  ["Room E", 30],
  ["Room F", 25],
  ["Room G", 25],
  ["Room H", 20],
  ["Library", 15],
  ["Garden Pavilion", 30],
  ["Workshop Space Upstairs", 12],
  ["Room L", 10],
];
// The event's day is in the future, so the first slot (a plenary) carries "Next".
export const SLOTS: Array<{ starts: string; ends: string; kind?: string; label?: string }> = [
  { starts: "09:00", ends: "09:30", kind: "plenary" },
  { starts: "09:30", ends: "10:15" },
  { starts: "10:30", ends: "11:15" },
  { starts: "11:30", ends: "12:15" },
  { starts: "12:15", ends: "13:00", kind: "break", label: "Lunch" },
  { starts: "13:00", ends: "13:45" },
  { starts: "14:00", ends: "14:45" },
  { starts: "15:00", ends: "15:30", kind: "plenary", label: "Closing circle" },
];
export const SESSION_SLOTS = ["09:30", "10:30", "11:30", "13:00", "14:00"];
export const LONG_TITLE =
  "Accessibility of drag-and-drop interfaces in data-heavy enterprise dashboards: what we learned the hard way";
export const LONG_WORD = "Internationalisationsarchitekturentscheidungen";
export const TOPICS = [
  "Opening: how today works",
  "Kubernetes for small teams",
  "Rust in production",
  "Burnout and recovery",
  "Design systems at scale",
  "Testing legacy code",
  "Open source funding",
  "Remote onboarding",
  "Incident reviews without blame",
  "Postgres tuning clinic",
  LONG_TITLE,
  "Mentoring juniors",
  "Writing good docs",
  "Accessibility audits",
  "Feature flags everywhere",
  LONG_WORD,
  "Green software",
  "Hiring without whiteboards",
  "Type-safe APIs",
  "Monorepos: yes or no",
  "Privacy by design",
  "Observability on a budget",
  "Community moderation",
  "CSS has grown up",
  "Local-first apps",
  "Estimation is a lie",
  "Security champions",
  "Speaking at conferences",
  "Data ethics",
  "Pairing and mobbing",
  "WebAssembly outside the browser",
  "Career ladders",
  "Unplaced: a very long pitch title that nobody has scheduled yet because there was no room left",
  "Unplaced: side projects",
];

export interface Facts {
  rooms: Array<{ id: string; name: string }>;
  slots: Array<{ id: string; localStart: string; kind: string }>;
  pitches: Array<{ id: string; title: string }>;
}

export async function venueFacts(client: HttpClient, slug: string): Promise<Facts> {
  const response = await client.get(`/e/${slug}/state.json`);
  return ((await response.json()) as { facts: Facts }).facts;
}

/**
 * The venue over HTTP, through the same commands people send: rooms and slots
 * by the organiser, pitches by six attendees, votes, and 31 placements.
 */
export async function seedVenue(base: string, slug: string, organiser: HttpClient): Promise<void> {
  const admin = (fields: Record<string, string>) => organiser.post(`/e/${slug}/admin`, fields);
  for (const [name, capacity] of ROOMS) {
    const response = await admin({ intent: "add-room", name, capacity: String(capacity) });
    if (response.status !== 200) throw new Error(`add-room ${name}: ${response.status}`);
  }
  for (const slot of SLOTS) {
    const response = await admin({ intent: "add-slot", kind: "sessions", label: "", ...slot });
    if (response.status !== 200) throw new Error(`add-slot ${slot.starts}: ${response.status}`);
  }
  // Six pitchers, so the six sessions of a slot have six different pitchers (no pitcher clashes).
  const pitchers = await Promise.all(["Ada", "Bo", "Cy", "Dee", "Eve", "Fay"].map((n) => joinAs(base, slug, n)));
  for (const [i, title] of TOPICS.entries()) {
    const pitcher = pitchers[i % pitchers.length] as HttpClient;
    const response = await pitcher.post(`/e/${slug}/pitch?index`, {
      title,
      description: "",
      tags: "",
      clientId: `venue-pitch-${i}`,
    });
    if (response.status !== 302) throw new Error(`pitch ${title}: ${response.status}`);
  }
  await admin({ intent: "open-voting" });
  const { rooms, slots, pitches } = await venueFacts(organiser, slug);
  const id = (title: string) => pitches.find((p) => p.title === title)?.id ?? "";
  // Three votes each, in three different slots; the last voter wants two sessions of 09:30 (one voter clash).
  for (const [i, voter] of pitchers.entries()) {
    const picks = i === 5 ? [1, 2, 20] : [1 + i, 7 + i, 13 + i];
    for (const pick of picks) {
      const response = await voter.post(`/e/${slug}?index`, {
        intent: "vote",
        pitchId: id(TOPICS[pick] as string),
        vote: "true",
      });
      if (response.status !== 200) throw new Error(`vote: ${response.status}`);
    }
  }
  const slotAt = (time: string) => slots.find((s) => s.localStart.endsWith(time))?.id ?? "";
  const place = async (title: string, roomId: string, slotId: string) => {
    const response = await organiser.post(`/e/${slug}/grid`, { intent: "place", pitchId: id(title), roomId, slotId });
    if (response.status !== 200) throw new Error(`place ${title}: ${response.status}`);
  };
  await place(TOPICS[0] as string, rooms[0]?.id ?? "", slotAt("09:00"));
  // Six sessions in each session slot, in the first six rooms: rooms G to L stay free.
  let next = 1;
  for (const time of SESSION_SLOTS) {
    for (const room of rooms.slice(0, 6)) await place(TOPICS[next++] as string, room.id, slotAt(time));
  }
}
