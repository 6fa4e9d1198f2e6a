import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type IoServer, TALLY_TICK_MS, createPublisher } from "../../app/realtime/hub.server";

/**
 * The tally throttle of the hub's publisher, with a fake io and a clock of
 * our own: `elapse` moves the clock and fires the timers that came due, as
 * an idle event loop does; `starve` moves only the clock, as a server busy
 * with a backlog of queued commands does (its timers wait behind them).
 */

let now = 0;
let sent: Array<{
  room: string;
  event: string;
  payload: { eventId: string; tallies: Record<string, number> };
  at: number;
}>;

function fakeIo(): IoServer {
  const to = (room: string) => ({
    emit: (event: string, payload: never) => {
      sent.push({ room, event, payload, at: now });
      return true;
    },
  });
  return { to } as unknown as IoServer;
}

function elapse(ms: number) {
  now += ms;
  vi.advanceTimersByTime(ms);
}

function starve(ms: number) {
  now += ms;
}

beforeEach(() => {
  now = 1_000;
  sent = [];
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  vi.spyOn(performance, "now").mockImplementation(() => now);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the tally throttle", () => {
  it("sends a lone vote's tally at once (leading edge), without waiting for a timer", () => {
    const publisher = createPublisher(fakeIo());
    publisher.tally("e1", "p1", 1, "everyone");
    expect(sent).toEqual([
      { room: "event:e1", event: "votes:tallies", payload: { eventId: "e1", tallies: { p1: 1 } }, at: 1_000 },
    ]);
  });

  it("holds votes within a tick and sends them as one message with the latest counts when it ends", () => {
    const publisher = createPublisher(fakeIo());
    publisher.tally("e1", "p1", 1, "everyone");
    elapse(10);
    publisher.tally("e1", "p1", 2, "everyone");
    elapse(10);
    publisher.tally("e1", "p2", 1, "everyone");
    publisher.tally("e1", "p1", 3, "everyone");
    expect(sent).toHaveLength(1);
    elapse(TALLY_TICK_MS - 21);
    expect(sent).toHaveLength(1);
    elapse(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ at: 1_000 + TALLY_TICK_MS, payload: { tallies: { p1: 3, p2: 1 } } });
    elapse(500);
    expect(sent).toHaveLength(2);
  });

  it("sends when the tick is due even if its timer cannot fire behind queued commands", () => {
    const publisher = createPublisher(fakeIo());
    publisher.tally("e1", "p1", 1, "everyone");
    elapse(10);
    publisher.tally("e1", "p1", 2, "everyone"); // waits for the timer, due at 1,050
    starve(45); // 1,055: the timer is overdue, commands keep running
    expect(sent).toHaveLength(1);
    publisher.tally("e1", "p2", 1, "everyone");
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ at: 1_055, payload: { tallies: { p1: 2, p2: 1 } } });
    // The overdue timer has nothing left to send, and does not send it twice.
    elapse(0);
    elapse(100);
    expect(sent).toHaveLength(2);
  });

  it("sends at least one message per tick through a long burst of back-to-back commands, and never two", () => {
    const publisher = createPublisher(fakeIo());
    // 1,000 votes 1 ms apart with the timers starved throughout: only the votes themselves can send.
    for (let i = 1; i <= 1_000; i++) {
      publisher.tally("e1", `p${i % 7}`, i, "everyone");
      starve(1);
    }
    const gaps = sent.slice(1).map((m, i) => m.at - (sent[i]?.at ?? 0));
    expect(sent.length).toBeGreaterThanOrEqual(Math.floor(1_000 / TALLY_TICK_MS));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(TALLY_TICK_MS);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(TALLY_TICK_MS + 1);
    // The last votes go out when the loop is free again: applied in order, the messages end on the latest counts.
    elapse(TALLY_TICK_MS);
    const latest: Record<string, number> = {};
    for (let i = 1; i <= 1_000; i++) latest[`p${i % 7}`] = i;
    expect(Object.assign({}, ...sent.map((m) => m.payload.tallies))).toEqual(latest);
  });

  it("sends one message per event and audience in each tick; blind tallies only to the organisers' room", () => {
    const publisher = createPublisher(fakeIo());
    publisher.tally("e1", "p1", 1, "everyone");
    elapse(5);
    publisher.tally("e1", "p1", 2, "everyone");
    publisher.tally("e2", "q1", 1, "organisers");
    publisher.tally("e2", "q2", 4, "organisers");
    publisher.tally("e3", "r1", 1, "everyone");
    elapse(TALLY_TICK_MS);
    expect(sent.slice(1).map(({ room, payload }) => ({ room, payload }))).toEqual([
      { room: "event:e1", payload: { eventId: "e1", tallies: { p1: 2 } } },
      { room: "organisers:e2", payload: { eventId: "e2", tallies: { q1: 1, q2: 4 } } },
      { room: "event:e3", payload: { eventId: "e3", tallies: { r1: 1 } } },
    ]);
  });

  it("flush() sends what is pending at once; close() drops it and stops the timer", () => {
    const publisher = createPublisher(fakeIo());
    publisher.tally("e1", "p1", 1, "everyone");
    publisher.tally("e1", "p1", 2, "everyone");
    publisher.flush();
    expect(sent.map((m) => m.payload.tallies)).toEqual([{ p1: 1 }, { p1: 2 }]);
    elapse(TALLY_TICK_MS);
    publisher.tally("e1", "p1", 3, "everyone");
    publisher.tally("e1", "p1", 4, "everyone");
    publisher.close();
    elapse(TALLY_TICK_MS * 2);
    expect(sent.map((m) => m.payload.tallies)).toEqual([{ p1: 1 }, { p1: 2 }, { p1: 3 }]);
  });
});
