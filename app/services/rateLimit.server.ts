import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ServiceError } from "./errors";

/**
 * Write limits per attendee and per client IP. The IP limit is generous
 * because a whole venue often shares one address. Counters live in memory:
 * losing them on restart only forgives a few writes.
 */
export interface WriteLimiter {
  consume(who: { attendeeId?: string | null; ip: string }): Promise<void>;
}

export function createWriteLimiter(options: { perAttendeePerMinute: number; perIpPerMinute: number }): WriteLimiter {
  const perAttendee = new RateLimiterMemory({ points: options.perAttendeePerMinute, duration: 60 });
  const perIp = new RateLimiterMemory({ points: options.perIpPerMinute, duration: 60 });
  return {
    async consume({ attendeeId, ip }) {
      try {
        await perIp.consume(ip);
        if (attendeeId) await perAttendee.consume(attendeeId);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
          throw new ServiceError(
            "rate_limited",
            `Slow down: too many changes in a short time. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
          );
        }
        throw error;
      }
    },
  };
}
