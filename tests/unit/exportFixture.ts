import type { EventExport, ExportItem, ExportSession } from "../../app/domain/export/model";

/**
 * Export models for the renderer tests (not a test file itself). The model is
 * what the service hands the renderers after applying the attribution rule,
 * so names here are only the ones that may be exported.
 */

export const NASTY_TITLE = `**Bold** <script>alert("x")</script> & "quotes" 'single' 🎉 שלום עולם ${"Supercalifragilistic".repeat(6)}`;

export function item(kind: ExportItem["kind"], text: string, more: Partial<ExportItem> = {}): ExportItem {
  return {
    kind,
    text,
    blocker: null,
    impact: null,
    helped: null,
    saidBy: null,
    author: null,
    createdAt: "2026-12-01T10:05:00.000Z",
    ...more,
  };
}

export function session(more: Partial<ExportSession> = {}): ExportSession {
  const id = more.id ?? "pitchAAAAAAAAAAAAAAAAAA";
  return {
    id,
    number: 1,
    guid: "3f1b9a62-6c1e-5d34-9a0e-0d2c4b8e1f10",
    url: `https://unconf.example.org/e/camp/s/${id}`,
    title: "Rust in production",
    description: "How teams **ship** Rust.",
    tags: ["rust", "ops"],
    chathamHouse: false,
    notesLocked: false,
    pitcher: "Ada",
    authors: ["Ada"],
    createdAt: "2026-11-30T09:00:00.000Z",
    placement: {
      room: "Room A",
      roomGuid: "8a6b1f0e-2b4c-5d6e-8f90-123456789abc",
      localStart: "2026-12-01T10:00",
      localEnd: "2026-12-01T11:00",
      slotKind: "sessions",
      slotLabel: "",
      pinned: false,
    },
    items: [],
    photos: [],
    ...more,
  };
}

export function model(sessions: ExportSession[] = [session()], more: Partial<EventExport> = {}): EventExport {
  return {
    event: {
      slug: "camp",
      name: "Camp & Co",
      date: "2026-12-01",
      timeZone: "Europe/Berlin",
      url: "https://unconf.example.org/e/camp",
      private: false,
      pitchingOpen: true,
      votingOpen: false,
      votesPerAttendee: 3,
      blindVoting: false,
      shufflePitches: true,
    },
    origin: "https://unconf.example.org",
    generatedAt: "2026-12-02T08:00:00.000Z",
    rooms: [
      { name: "Room A", capacity: 30, guid: "8a6b1f0e-2b4c-5d6e-8f90-123456789abc" },
      { name: "Hall ✨ & <B>", capacity: 200, guid: "8a6b1f0e-2b4c-5d6e-8f90-123456789abd" },
    ],
    slots: [
      { localStart: "2026-12-01T10:00", localEnd: "2026-12-01T11:00", kind: "sessions", label: "" },
      { localStart: "2026-12-01T11:00", localEnd: "2026-12-01T11:30", kind: "break", label: "Coffee" },
      { localStart: "2026-12-01T11:30", localEnd: "2026-12-01T12:30", kind: "plenary", label: "Closing" },
    ],
    sessions,
    ...more,
  };
}

/** A session with every kind of item and every kind of awkward text. */
export function richSession(more: Partial<ExportSession> = {}): ExportSession {
  return session({
    title: NASTY_TITLE,
    description:
      "# Intro heading\n\nWe talked about <b>HTML</b> & [a link](javascript:alert(1)) and [docs](https://example.org/?a=1&b=2).",
    tags: ["rust", "מבחן", "emoji 🎉"],
    items: [
      item("note", "First note with `code` and a footnote[^1].\n\n[^1]: The footnote."),
      item("note", "Second note with its own footnote[^1].\n\n[^1]: Another footnote.", { saidBy: "Grace" }),
      item("tip", "Use `cargo clippy` & read the output", { saidBy: "Linus" }),
      item("tip", "שלום: right-to-left tip"),
      item("blocker", "Context for the blocker", {
        blocker: "Builds took **40 minutes**",
        impact: "Nobody ran the tests",
        helped: "sccache <img src=x onerror=alert(1)>",
      }),
      item("blocker", "", { blocker: "Flaky CI", impact: "", helped: "Retries" }),
      item("quote", 'Ship it "when it\'s ready" ]]> & <done>', { saidBy: "Margaret" }),
      item("quote", "An anonymous quote"),
      item("action", "Write the RFC ✍️"),
      item("action", "x".repeat(300)),
      item("note", "![tracker](https://tracker.example.com/pixel.png) and ![bad](javascript:alert(2))"),
    ],
    ...more,
  });
}
