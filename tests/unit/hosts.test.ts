import { describe, expect, it } from "vitest";
import { type CoHostLink, hostsByPitch, hostsOf, isHost } from "../../app/domain/hosts";

const pitch = { id: "p1", attendeeId: "asha" };
const links: CoHostLink[] = [
  { pitchId: "p1", attendeeId: "ben", status: "accepted" },
  { pitchId: "p1", attendeeId: "cai", status: "invited" },
  { pitchId: "p1", attendeeId: "dee", status: "declined" },
  { pitchId: "p2", attendeeId: "eve", status: "accepted" },
  { pitchId: "p1", attendeeId: "ben", status: "accepted" },
  { pitchId: "p1", attendeeId: "asha", status: "accepted" },
];

describe("hostsOf", () => {
  it("is the pitcher then accepted co-hosts, each once; invitations and refusals do not count", () => {
    expect(hostsOf(pitch, links)).toEqual(["asha", "ben"]);
  });
  it("skips other pitches' co-hosts", () => {
    expect(hostsOf({ id: "p2", attendeeId: null }, links)).toEqual(["eve"]);
  });
  it("is empty for a session without pitcher or co-hosts", () => {
    expect(hostsOf({ id: "p3", attendeeId: null }, links)).toEqual([]);
  });
  it("agrees with hostsByPitch and isHost", () => {
    const pitches = [pitch, { id: "p2", attendeeId: "fin" }];
    const all = hostsByPitch(pitches, links);
    for (const p of pitches) expect(all.get(p.id)).toEqual(hostsOf(p, links));
    expect(isHost(pitch, links, "ben")).toBe(true);
    expect(isHost(pitch, links, "cai")).toBe(false);
  });
});
