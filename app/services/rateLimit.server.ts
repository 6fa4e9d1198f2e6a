import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ServiceError } from "./errors";

/**
 * Write limits per attendee and per client IP. The IP limits are generous
 * because a whole venue often shares one address. Counters live in memory:
 * losing them on restart only forgives a few writes.
 */
export interface WriteLimiter {
  consume(who: { attendeeId?: string | null; ip: string }): Promise<void>;
  /** A new attendee (a first join, without a cookie for the event): a few dozen a minute per IP. */
  consumeNewAttendee(ip: string): Promise<void>;
  /** A new event, created by hand or by import. */
  consumeNewEvent(ip: string): Promise<void>;
  /**
   * One passcode attempt: `check` says whether it is right. Only wrong
   * attempts are counted; once an IP has used up its wrong attempts, every
   * attempt is refused without being checked, so the limit cannot be used to
   * test guesses at full speed. Resolves to the result of `check`.
   */
  guess(ip: string, check: () => boolean): Promise<boolean>;
}

export interface WriteLimits {
  perAttendeePerMinute: number;
  perIpPerMinute: number;
  newAttendeesPerIpPerMinute?: number;
  newEventsPerIpPerHour?: number;
  wrongGuessesPerIpPerMinute?: number;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s >= 120) {
    const minutes = Math.ceil(s / 60);
    return `${minutes} minutes`;
  }
  return `${s} second${s === 1 ? "" : "s"}`;
}

function refusal(error: unknown, what = "too many changes in a short time"): never {
  if (error instanceof RateLimiterRes) {
    throw new ServiceError("rate_limited", `Slow down: ${what}. Try again in ${seconds(error.msBeforeNext)}.`);
  }
  throw error;
}

export function createWriteLimiter(options: WriteLimits): WriteLimiter {
  const perAttendee = new RateLimiterMemory({ points: options.perAttendeePerMinute, duration: 60 });
  const perIp = new RateLimiterMemory({ points: options.perIpPerMinute, duration: 60 });
  const newAttendees = new RateLimiterMemory({ points: options.newAttendeesPerIpPerMinute ?? 60, duration: 60 });
  const newEvents = new RateLimiterMemory({ points: options.newEventsPerIpPerHour ?? 30, duration: 3600 });
  const wrongGuesses = new RateLimiterMemory({ points: options.wrongGuessesPerIpPerMinute ?? 30, duration: 60 });
  return {
    async consume({ attendeeId, ip }) {
      try {
        await perIp.consume(ip);
        if (attendeeId) await perAttendee.consume(attendeeId);
      } catch (error) {
        refusal(error);
      }
    },
    async consumeNewAttendee(ip) {
      try {
        await newAttendees.consume(ip);
      } catch (error) {
        refusal(error, "too many people joined from this network in a short time");
      }
    },
    async consumeNewEvent(ip) {
      try {
        await newEvents.consume(ip);
      } catch (error) {
        refusal(error, "too many events were created from this network");
      }
    },
    async guess(ip, check) {
      // Take the point first, so a burst of parallel guesses cannot all slip under the limit...
      try {
        await wrongGuesses.consume(ip);
      } catch (error) {
        refusal(error, "too many wrong passcodes from this network");
      }
      const right = check();
      // ...and give it back when the guess was right: only wrong guesses count.
      if (right) await wrongGuesses.reward(ip, 1);
      return right;
    },
  };
}

/** A limiter that never refuses, for tests and scripts that call services directly. */
export const unlimited: WriteLimiter = {
  async consume() {},
  async consumeNewAttendee() {},
  async consumeNewEvent() {},
  async guess(_ip, check) {
    return check();
  },
};
