import { eq } from "drizzle-orm";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../db/client";
import {
  type Event,
  attendees,
  capturedItems,
  events,
  pitches,
  placements,
  rooms,
  timeSlots,
  votes,
} from "../../db/schema";
import { eventFile, eventJson } from "../../app/domain/export/eventJson";
import { sessionHtml } from "../../app/domain/export/html.server";
import { eventMarkdown, sessionMarkdown } from "../../app/domain/export/markdown.server";
import { c3vocJson, frabXml } from "../../app/domain/export/schedule.server";
import { wxr } from "../../app/domain/export/wxr.server";
import { unlimited } from "../../app/services/rateLimit.server";
import { postsZip } from "../../app/domain/export/zip.server";
import { createEventCache } from "../../app/services/eventCache.server";
import { createFactsCache } from "../../app/services/facts.server";
import { renderItemHtml, renderMarkdown } from "../../app/domain/markdown.server";
import type { ServiceContext } from "../../app/services/context.server";
import { isServiceError } from "../../app/services/errors";
import { buildExportModel, importEvent, scheduleCalendar, stableUuid } from "../../app/services/export.server";
import type { Viewer } from "../../app/services/viewer.server";
import { unzip } from "../consumers";

/**
 * The export service on a real (in-memory) database: the attribution rule is
 * applied once, in buildExportModel, so every format is checked here for the
 * names it must withhold and for ids it must never contain. Then a round
 * trip: the whole-event file imported again gives the same file back.
 */

type Db = ReturnType<typeof openDatabase>;
let db: Db;
let ctx: ServiceContext;

beforeEach(() => {
  db = openDatabase(":memory:");
  ctx = {
    db,
    // Exports publish nothing; every publisher method is a no-op here.
    publish: new Proxy({}, { get: () => () => {} }) as ServiceContext["publish"],
    facts: createFactsCache(),
    events: createEventCache(),
    limiter: unlimited,
    logger: pino({ level: "silent" }),
    identityCookie: undefined as never,
  };
});

afterEach(() => closeDatabase(db));

const ORIGIN = "https://unconf.example.org";

function viewerFor(event: Event, organiser = true): Viewer {
  return { event, attendee: null, isOrganiser: organiser, hasAccess: true, ip: "127.0.0.1", organiserKey: null };
}

/** Secret names: each may appear in no export at all. */
const WITHHELD = {
  shyPitcher: "Quentin Shypitcher",
  chathamPitcher: "Rosalind Chathampitcher",
  shyNoteTaker: "Sven Shynotetaker",
  speakerNoConsent: "Ulrike Noconsent",
  chathamSpeaker: "Viktor Chathamspeaker",
  chathamNoteTaker: "Wanda Chathamnotetaker",
  hiddenItemSpeaker: "Xaver Hiddenitem",
};

function seed() {
  const event = db
    .insert(events)
    .values({
      id: "evt_secret_id_0001",
      slug: "camp",
      name: "Camp & Co",
      date: "2026-12-01",
      timeZone: "Europe/Berlin",
      organiserKeyHash: "ORGANISER_KEY_HASH_must_not_leak",
      passcodeHash: null,
      votingOpen: true,
    })
    .returning()
    .get();
  const person = (id: string, name: string, nameInWriteups: boolean) =>
    db.insert(attendees).values({ id, eventId: event.id, name, nameInWriteups }).run();
  person("att_ada_0000000000001", "Ada Lovelace", true);
  person("att_shy_0000000000002", WITHHELD.shyPitcher, false);
  person("att_cha_0000000000003", WITHHELD.chathamPitcher, true);
  person("att_not_0000000000004", WITHHELD.shyNoteTaker, false);
  person("att_nam_0000000000005", "Grace Hopper", true);
  person("att_chn_0000000000006", WITHHELD.chathamNoteTaker, true);
  person("att_vot_0000000000007", "", false);
  db.insert(rooms)
    .values([
      { id: "room_a_secretid", eventId: event.id, name: "Room A", capacity: 30, position: 0 },
      { id: "room_b_secretid", eventId: event.id, name: "Hall ✨", capacity: 200, position: 1 },
    ])
    .run();
  db.insert(timeSlots)
    .values([
      { id: "slot_1_secretid", eventId: event.id, localStart: "2026-12-01T10:00", localEnd: "2026-12-01T11:00" },
      {
        id: "slot_2_secretid",
        eventId: event.id,
        localStart: "2026-12-01T11:00",
        localEnd: "2026-12-01T11:30",
        kind: "break",
        label: "Coffee",
      },
    ])
    .run();
  const pitch = (
    id: string,
    attendeeId: string | null,
    title: string,
    more: Partial<typeof pitches.$inferInsert> = {},
  ) =>
    db
      .insert(pitches)
      .values({ id, eventId: event.id, attendeeId, title, description: `About ${title}`, tags: ["t"], ...more })
      .run();
  pitch("pit_open_named_00001", "att_ada_0000000000001", "Named pitcher", { createdAt: "2026-11-30T09:00:00.000Z" });
  pitch("pit_open_shy_000002", "att_shy_0000000000002", "Shy pitcher", { createdAt: "2026-11-30T09:01:00.000Z" });
  pitch("pit_chatham_0000003", "att_cha_0000000000003", "Chatham House session", {
    chathamHouse: true,
    createdAt: "2026-11-30T09:02:00.000Z",
  });
  pitch("pit_hidden_00000004", "att_ada_0000000000001", "HIDDEN PITCH TITLE", {
    status: "hidden",
    createdAt: "2026-11-30T09:03:00.000Z",
  });
  pitch("pit_withdrawn_00005", "att_ada_0000000000001", "WITHDRAWN PITCH TITLE", {
    status: "withdrawn",
    createdAt: "2026-11-30T09:04:00.000Z",
  });
  pitch("pit_merged_00000006", null, "MERGED PITCH TITLE", {
    status: "merged",
    mergedIntoId: "pit_open_named_00001",
    createdAt: "2026-11-30T09:05:00.000Z",
  });
  db.insert(placements)
    .values([
      { pitchId: "pit_open_named_00001", eventId: event.id, roomId: "room_a_secretid", slotId: "slot_1_secretid" },
      {
        pitchId: "pit_chatham_0000003",
        eventId: event.id,
        roomId: "room_b_secretid",
        slotId: "slot_1_secretid",
        pinned: true,
      },
    ])
    .run();
  let n = 0;
  const note = (
    pitchId: string,
    authorId: string | null,
    kind: "note" | "tip" | "blocker" | "quote" | "action",
    text: string,
    more: Partial<typeof capturedItems.$inferInsert> = {},
  ) => {
    n++;
    db.insert(capturedItems)
      .values({
        id: `item_secret_${String(n).padStart(4, "0")}`,
        eventId: event.id,
        pitchId,
        authorId,
        kind,
        text,
        createdAt: `2026-12-01T09:${String(10 + n).padStart(2, "0")}:00.000Z`,
        ...more,
      })
      .run();
  };
  note("pit_open_named_00001", "att_nam_0000000000005", "quote", "Named and agreed", {
    saidBy: "Linus Named",
    saidByConsent: true,
  });
  note("pit_open_named_00001", "att_not_0000000000004", "quote", "Said without consent", {
    saidBy: WITHHELD.speakerNoConsent,
    saidByConsent: false,
  });
  note("pit_open_named_00001", null, "blocker", "", {
    blocker: "Slow builds",
    impact: "No tests",
    helped: "Caching",
  });
  note("pit_open_named_00001", "att_ada_0000000000001", "note", "HIDDEN ITEM TEXT", {
    hidden: true,
    saidBy: WITHHELD.hiddenItemSpeaker,
    saidByConsent: true,
  });
  note("pit_chatham_0000003", "att_chn_0000000000006", "quote", "Chatham quote", {
    saidBy: WITHHELD.chathamSpeaker,
    saidByConsent: true,
  });
  note("pit_chatham_0000003", "att_cha_0000000000003", "action", "Chatham action");
  note("pit_open_shy_000002", "att_not_0000000000004", "tip", "A tip from a shy note-taker");
  db.insert(votes)
    .values([
      { eventId: event.id, pitchId: "pit_open_named_00001", attendeeId: "att_vot_0000000000007" },
      { eventId: event.id, pitchId: "pit_chatham_0000003", attendeeId: "att_vot_0000000000007" },
      { eventId: event.id, pitchId: "pit_open_named_00001", attendeeId: "att_shy_0000000000002" },
      { eventId: event.id, pitchId: "pit_hidden_00000004", attendeeId: "att_shy_0000000000002" },
    ])
    .run();
  return event;
}

function everyExport(event: Event): Record<string, string> {
  const model = buildExportModel(ctx, viewerFor(event), ORIGIN, { withBallots: true, now: new Date() });
  const out: Record<string, string> = {
    "export.md": eventMarkdown(model),
    "export.wxr": wxr(model),
    "export.json": eventJson(model),
    "schedule.ics": scheduleCalendar(model),
    "schedule.xml": frabXml(model),
    "schedule.json": c3vocJson(model),
  };
  for (const [name, body] of Object.entries(unzip(postsZip(model)))) out[`export.zip:${name}`] = body;
  for (const session of model.sessions) {
    out[`s/${session.id}/export.md`] = sessionMarkdown(model, session);
    out[`s/${session.id}/export.html`] = sessionHtml(model, session);
  }
  return out;
}

describe("the attribution rule, applied once for every format", () => {
  it("names the people who agreed, and only them", () => {
    const event = seed();
    const model = buildExportModel(ctx, viewerFor(event), ORIGIN);
    const named = model.sessions.find((s) => s.title === "Named pitcher");
    const shy = model.sessions.find((s) => s.title === "Shy pitcher");
    const chatham = model.sessions.find((s) => s.title === "Chatham House session");
    expect(named?.pitcher).toBe("Ada Lovelace");
    expect(named?.authors).toEqual(["Ada Lovelace", "Grace Hopper"]);
    expect(named?.items.map((i) => i.saidBy)).toEqual(["Linus Named", null, null]);
    expect(shy?.pitcher).toBeNull();
    expect(shy?.authors).toEqual([]);
    expect(chatham?.pitcher).toBeNull();
    expect(chatham?.authors).toEqual([]);
    expect(chatham?.items.map((i) => [i.saidBy, i.author])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("leaves withheld names, hidden and withdrawn content and every id, hash or key out of every format", () => {
    const event = seed();
    const files = everyExport(event);
    expect(Object.keys(files).length).toBeGreaterThan(10);
    const forbidden = [
      ...Object.values(WITHHELD),
      "HIDDEN PITCH TITLE",
      "WITHDRAWN PITCH TITLE",
      "MERGED PITCH TITLE",
      "HIDDEN ITEM TEXT",
      "evt_secret_id",
      "att_",
      "item_secret",
      "room_a_secretid",
      "room_b_secretid",
      "slot_1_secretid",
      "ORGANISER_KEY_HASH",
    ];
    for (const [name, body] of Object.entries(files)) {
      for (const secret of forbidden) expect(body.includes(secret), `${secret} in ${name}`).toBe(false);
    }
    // The people who agreed do appear.
    expect(files["export.md"]).toContain("Ada Lovelace");
    expect(files["export.md"]).toContain("Linus Named");
  });

  it("keeps anonymous ballots out of everything but the organiser's whole-event file", () => {
    const event = seed();
    expect(() => buildExportModel(ctx, viewerFor(event, false), ORIGIN, { withBallots: true })).toThrow(
      /Only organisers/,
    );
    const attendeeModel = buildExportModel(ctx, viewerFor(event, false), ORIGIN);
    expect(attendeeModel.ballots).toBeUndefined();
    const file = eventFile(buildExportModel(ctx, viewerFor(event), ORIGIN, { withBallots: true }));
    const index = (title: string) => file.sessions.findIndex((s) => s.title === title);
    // The vote on the hidden pitch is gone; what is left names no voter.
    expect(file.ballots).toEqual(
      [[index("Named pitcher")], [index("Named pitcher"), index("Chatham House session")].sort()].sort(),
    );
    expect(file.sessions.map((s) => [s.title, s.votes])).toEqual([
      ["Named pitcher", 2],
      ["Chatham House session", 1],
      ["Shy pitcher", 0],
    ]);
  });

  it("gives sessions stable guids and numbers that survive other pitches being hidden", () => {
    const event = seed();
    const before = buildExportModel(ctx, viewerFor(event), ORIGIN);
    db.update(pitches).set({ status: "hidden" }).where(eq(pitches.id, "pit_open_shy_000002")).run();
    const after = buildExportModel(ctx, viewerFor(event), ORIGIN);
    const pick = (m: typeof before) =>
      m.sessions.filter((s) => s.title !== "Shy pitcher").map((s) => [s.guid, s.number]);
    expect(pick(after)).toEqual(pick(before));
    expect(before.sessions[0]?.guid).toBe(stableUuid("pitch", "pit_open_named_00001"));
    expect(before.sessions[0]?.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("import: the whole-event file makes a new event", () => {
  it("round-trips: exporting the imported event gives the same file", async () => {
    const event = seed();
    const original = eventFile(buildExportModel(ctx, viewerFor(event), ORIGIN, { withBallots: true }));
    const { event: copy, organiserKey } = await importEvent(ctx, { file: original }, { ip: "127.0.0.1" });
    expect(copy.slug).toBe("camp-co");
    expect(organiserKey.length).toBeGreaterThan(20);
    const again = eventFile(buildExportModel(ctx, viewerFor(copy), ORIGIN, { withBallots: true }));
    const strip = ({ exportedAt, source, ...rest }: typeof original) => rest;
    expect(strip(again)).toEqual(strip(original));
    // A second import of the same file gets its own slug.
    const third = await importEvent(ctx, { file: original }, { ip: "127.0.0.1" });
    expect(third.event.slug).toBe("camp-co-2");
  });

  it("stores every imported note's and description's HTML, as the app stores what people type", async () => {
    const event = seed();
    const original = eventFile(buildExportModel(ctx, viewerFor(event), ORIGIN, { withBallots: true }));
    const { event: copy } = await importEvent(ctx, { file: original }, { ip: "127.0.0.1" });
    const items = db.select().from(capturedItems).where(eq(capturedItems.eventId, copy.id)).all();
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.html).toEqual(renderItemHtml(item));
    }
    for (const pitch of db.select().from(pitches).where(eq(pitches.eventId, copy.id)).all()) {
      expect(pitch.descriptionHtml).toBe(renderMarkdown(pitch.description));
    }
  });

  it("refuses a file that breaks the rules, names what is wrong, and writes nothing", async () => {
    const event = seed();
    const good = eventFile(buildExportModel(ctx, viewerFor(event), ORIGIN, { withBallots: true }));
    const count = () => db.select().from(events).all().length;
    const before = count();
    const cases: Array<[string, unknown, RegExp]> = [
      ["not an object", "hello", /Expected object/],
      ["another format", { ...good, format: "frab" }, /not an Unconf event file/],
      ["an extra key", { ...good, attendeeIds: ["x"] }, /Unrecognized key/],
      [
        "a placement in a room that does not exist",
        {
          ...good,
          sessions: good.sessions.map((s, i) =>
            i === 0 && s.placement ? { ...s, placement: { ...s.placement, room: "Nowhere" } } : s,
          ),
        },
        /no room called "Nowhere"/,
      ],
      [
        "overlapping time slots",
        {
          ...good,
          timeSlots: [
            ...good.timeSlots,
            { start: "2026-12-01T10:30", end: "2026-12-01T12:00", kind: "sessions", label: "" },
          ],
        },
        /overlaps/,
      ],
      ["a ballot naming a missing session", { ...good, ballots: [[99]] }, /no session number 99/],
      ["an impossible date", { ...good, event: { ...good.event, date: "2026-02-30" } }, /not a real date/],
      ["an unknown time zone", { ...good, event: { ...good.event, timeZone: "Mars/Olympus" } }, /time zone/],
      [
        "a blocker story without its blocker",
        {
          ...good,
          sessions: good.sessions.map((s, i) =>
            i === 0 ? { ...s, notes: [{ ...s.notes[0], kind: "blocker", blocker: null }] } : s,
          ),
        },
        /needs its blocker/,
      ],
      ["a private event without a new passcode", { ...good, event: { ...good.event, private: true } }, /passcode/],
    ];
    for (const [label, file, message] of cases) {
      const outcome = await importEvent(ctx, { file }, { ip: "127.0.0.1" }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isServiceError(outcome), label).toBe(true);
      if (isServiceError(outcome)) {
        const all = `${outcome.message} ${Object.values(outcome.fieldErrors).flat().join(" ")}`;
        expect(all, label).toMatch(message);
      }
    }
    expect(count()).toBe(before);
  });
});
