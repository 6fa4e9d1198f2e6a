import type { SubmissionResult } from "@conform-to/react";

/** What a form action answers: which form it was for, conform's reply, and an optional notice. */
export interface FormReply {
  intent: string;
  result: SubmissionResult<string[]>;
  notice?: string;
}

/** The reply for one form among several on a page. */
export function replyFor(actionData: unknown, intent: string): FormReply | undefined {
  const reply = actionData as FormReply | undefined;
  return reply && reply.intent === intent ? reply : undefined;
}
