import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ServiceError } from "./errors";

/**
 * Write limits per attendee and per client IP. The IP limit is generous
 * because a whole venue often shares one address. Counters live in memory:
 * losing them on restart only forgives a few writes.
 */
export interface WriteLimiter {
  consume(who: { attendeeId?: string | null; ip: string }): Promise<void>;
  /** Passcode attempts: few per minute per IP, so guessing a short passcode takes ages. */
  consumeGuess(ip: string): Promise<void>;
}

function refusal(error: unknown): never {
  if (error instanceof RateLimiterRes) {
    const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new ServiceError(
      "rate_limited",
      `Slow down: too many changes in a short time. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    );
  }
  throw error;
}

export function createWriteLimiter(options: { perAttendeePerMinute: number; perIpPerMinute: number }): WriteLimiter {
  const perAttendee = new RateLimiterMemory({ points: options.perAttendeePerMinute, duration: 60 });
  const perIp = new RateLimiterMemory({ points: options.perIpPerMinute, duration: 60 });
  const guesses = new RateLimiterMemory({ points: 10, duration: 60 });
  return {
    async consume({ attendeeId, ip }) {
      try {
        await perIp.consume(ip);
        if (attendeeId) await perAttendee.consume(attendeeId);
      } catch (error) {
        refusal(error);
      }
    },
    async consumeGuess(ip) {
      try {
        await guesses.consume(ip);
      } catch (error) {
        refusal(error);
      }
    },
  };
}
