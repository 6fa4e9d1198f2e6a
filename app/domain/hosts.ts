/**
 * Who hosts a session: the pitcher and the co-hosts who accepted. Pure, so the
 * grid's conflicts, the scheduler, the pitch service and the exports agree on
 * one list.
 */

/** A co-host invitation: the named person decides; only "accepted" makes them a host. */
export type CoHostStatus = "invited" | "accepted" | "declined";

export interface CoHostLink {
  pitchId: string;
  attendeeId: string;
  status: CoHostStatus;
}

/**
 * The attendee ids hosting `pitch`: its pitcher first (when there is one),
 * then its accepted co-hosts in the order given, each once. `coHosts` may hold
 * links of other pitches (they are skipped), so callers can pass the event's
 * whole list.
 */
export function hostsOf(pitch: { id: string; attendeeId: string | null }, coHosts: readonly CoHostLink[]): string[] {
  const hosts: string[] = pitch.attendeeId ? [pitch.attendeeId] : [];
  for (const link of coHosts) {
    if (link.pitchId !== pitch.id || link.status !== "accepted") continue;
    if (!hosts.includes(link.attendeeId)) hosts.push(link.attendeeId);
  }
  return hosts;
}

/** Hosts of many pitches at once, by pitch id (one pass over the links: events hold thousands). */
export function hostsByPitch(
  pitchList: readonly { id: string; attendeeId: string | null }[],
  coHosts: readonly CoHostLink[],
): Map<string, string[]> {
  const accepted = new Map<string, CoHostLink[]>();
  for (const link of coHosts) {
    if (link.status !== "accepted") continue;
    const list = accepted.get(link.pitchId);
    if (list) list.push(link);
    else accepted.set(link.pitchId, [link]);
  }
  return new Map(pitchList.map((p) => [p.id, hostsOf(p, accepted.get(p.id) ?? [])]));
}

/** Whether this attendee may edit the pitch: its pitcher or an accepted co-host. */
export function isHost(
  pitch: { id: string; attendeeId: string | null },
  coHosts: readonly CoHostLink[],
  attendeeId: string,
): boolean {
  return hostsOf(pitch, coHosts).includes(attendeeId);
}

/** "Pitched by Asha, with Ben and Cai": the hosts as pages show them (names people joined with). */
export function hostsLine(pitcherName: string | null, coHostNames: readonly string[]): string {
  const base = pitcherName ? `Pitched by ${pitcherName}` : "Pitched anonymously";
  if (coHostNames.length === 0) return base;
  const list =
    coHostNames.length === 1
      ? coHostNames[0]
      : `${coHostNames.slice(0, -1).join(", ")} and ${coHostNames[coHostNames.length - 1]}`;
  return `${base}, with ${list}`;
}
