/**
 * Vote stuffing by minting attendees (issue 10, hole 3): a script without a
 * cookie joins again and again from one address and votes each time. The cap
 * on new attendees per address slows it; this finds what got through, so an
 * organiser can see it and undo it. A burst is a run of joins from one
 * network (a salted hash of the address, never the address) each at most
 * `gapMs` after the one before, with at least `minAttendees` in it. A venue
 * whose doors open behind one address can look the same, so the organiser
 * judges; nothing is removed on its own.
 */

export interface JoinRecord {
  attendeeId: string;
  /** The network the join came from, as stored (a salted hash). */
  net: string;
  /** ISO 8601 instant. */
  at: string;
}

export interface Burst {
  /** Stable for the same joins: the network and the first join's instant. */
  id: string;
  from: string;
  to: string;
  attendeeIds: string[];
}

export const BURST_MIN_ATTENDEES = 10;
export const BURST_GAP_MS = 10_000;

export function findBursts(
  joins: readonly JoinRecord[],
  options: { minAttendees?: number; gapMs?: number } = {},
): Burst[] {
  const minAttendees = options.minAttendees ?? BURST_MIN_ATTENDEES;
  const gapMs = options.gapMs ?? BURST_GAP_MS;
  const byNet = new Map<string, JoinRecord[]>();
  for (const join of joins) {
    const list = byNet.get(join.net);
    if (list) list.push(join);
    else byNet.set(join.net, [join]);
  }
  const bursts: Burst[] = [];
  for (const [net, list] of byNet) {
    const sorted = [...list].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    let run: JoinRecord[] = [];
    const close = () => {
      const first = run[0];
      const last = run.at(-1);
      if (first && last && run.length >= minAttendees) {
        bursts.push({
          id: `${net}.${first.at}`,
          from: first.at,
          to: last.at,
          attendeeIds: run.map((j) => j.attendeeId),
        });
      }
      run = [];
    };
    for (const join of sorted) {
      const previous = run.at(-1);
      if (previous && Date.parse(join.at) - Date.parse(previous.at) > gapMs) close();
      run.push(join);
    }
    close();
  }
  return bursts.sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
}
