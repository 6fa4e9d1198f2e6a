/** Voting rules: budgets, fairness of order, and who sees tallies. Pure. */

export interface VotingState {
  votingOpen: boolean;
  votesPerAttendee: number;
  blindVoting: boolean;
  shufflePitches: boolean;
}

export function votesLeft(budget: number, used: number): number {
  return Math.max(0, budget - used);
}

export type VoteRefusal = { reason: "closed" | "budget" | "not_open"; message: string };

/** Whether one more vote may be cast; null when it may. */
export function checkVote(state: {
  votingOpen: boolean;
  pitchOpen: boolean;
  budget: number;
  used: number;
}): VoteRefusal | null {
  if (!state.votingOpen) return { reason: "closed", message: "Voting is closed." };
  if (!state.pitchOpen) return { reason: "not_open", message: "This pitch is no longer open for votes." };
  if (state.used >= state.budget) {
    return {
      reason: "budget",
      message: `You have used all ${state.budget} of your votes. Take one back to vote for something else.`,
    };
  }
  return null;
}

/** Tallies are hidden from attendees (never organisers) while a blind vote is open. */
export function talliesVisible(state: Pick<VotingState, "votingOpen" | "blindVoting">, isOrganiser: boolean): boolean {
  return isOrganiser || !(state.blindVoting && state.votingOpen);
}

/** A 32-bit FNV-1a hash: a stable seed from a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The items in an order fixed by `seed`: each item's place comes from a hash
 * of the seed and its key, so the order survives reloads and a new item
 * slots in without reshuffling the others.
 */
export function seededOrder<T>(items: readonly T[], seed: string, keyOf: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, rank: hash(`${seed}:${keyOf(item)}`) }))
    .sort((a, b) => a.rank - b.rank || keyOf(a.item).localeCompare(keyOf(b.item)))
    .map((entry) => entry.item);
}

export interface OrderablePitch {
  id: string;
  votes: number;
  createdAt: string;
}

/**
 * The order pitches are listed in: shuffled per attendee while voting is open
 * (early pitches get no advantage), most votes first once voting has closed
 * and votes exist, otherwise oldest first.
 */
export function orderPitches<T extends OrderablePitch>(
  pitches: readonly T[],
  state: Pick<VotingState, "votingOpen" | "shufflePitches">,
  viewerSeed: string | null,
): T[] {
  const byAge = [...pitches].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  if (state.votingOpen) {
    return state.shufflePitches && viewerSeed ? seededOrder(byAge, viewerSeed, (p) => p.id) : byAge;
  }
  if (byAge.some((p) => p.votes > 0)) return [...byAge].sort((a, b) => b.votes - a.votes);
  return byAge;
}

/**
 * Merging pitch `from` into `into`: the voters of the merged pitch are the
 * union of both, so someone who voted for both counts once.
 */
export function mergedVoters(into: readonly string[], from: readonly string[]): string[] {
  return [...new Set([...into, ...from])];
}

export function tallyText(votes: number): string {
  return `${votes} ${votes === 1 ? "vote" : "votes"}`;
}

export function votesLeftText(left: number): string {
  return `${left} ${left === 1 ? "vote" : "votes"} left`;
}
