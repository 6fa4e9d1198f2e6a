/** Text limits, shared by zod schemas (the rule) and form attributes (the hint to the browser). */
export const limits = {
  eventName: 120,
  attendeeName: 60,
  roomName: 60,
  slotLabel: 60,
  passcode: 64,
  pitchTitle: 120,
  pitchDescription: 2000,
  itemText: 4000,
  /** A photo's description ("Describe the photo", its alt text). */
  photoAlt: 300,
  feedbackComment: 1000,
} as const;

/**
 * How large an imported event file (/import, app/schemas/eventFile.ts) may be,
 * in things rather than bytes (the bytes are capped by MAX_IMPORT_SIZE). Each
 * fits a real event with room to spare: a two-day camp of 20 rooms x 12
 * slots a day (240 sessions) with 1,500 people voting 10 times and taking
 * notes in every session is well inside. Rooms x slots bound the grid page
 * (one cell each), sessions bound every event page (each carries the live
 * list of pitches), notes and votes bound the exports. They exist so that one anonymous file cannot make the pages
 * and exports of its event (or the import itself) cost minutes: issue 10,
 * hole 1, was one session with 50,000 ballots. The cost-bound test
 * (tests/integration/import-cost.test.ts) imports a file at these limits and
 * times every page and export an outsider can ask for.
 */
export const importLimits = {
  rooms: 30,
  timeSlots: 60,
  sessions: 300,
  tagsPerSession: 5,
  tag: 30,
  notesPerSession: 500,
  notesPerEvent: 10_000,
  /** Blocker, impact and "what helped" of a blocker story, each. */
  storyPart: 2000,
  /** A ballot is one attendee's votes: the most votes an attendee can have (votesPerAttendee's maximum). */
  ballots: 5000,
  votesPerBallot: 50,
  votes: 50_000,
} as const;

/**
 * Single-line fields (names, titles, rooms, labels, tags, "said by") hold no
 * C0 or C1 control character: no line break, tab, NUL or escape. A line break
 * in an event name added whole events to calendar files (issue 10, hole 7);
 * the rule holds in forms, socket payloads and imported files alike.
 */
export const SINGLE_LINE = /^[^\p{Cc}]*$/u;
export const SINGLE_LINE_MESSAGE = "Use one line of text: no line breaks, tabs or other control characters.";
