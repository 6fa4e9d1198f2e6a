import { parseWithZod } from "@conform-to/zod";
import { data } from "@remix-run/node";
import type { z } from "zod";
import { isServiceError, statusOf } from "../services/errors";
import type { FormReply } from "./forms";

/**
 * The shape of every form action: parse with conform + zod, call one service
 * function, and answer with conform's reply so the form shows messages and
 * keeps what the person typed (or resets after success).
 */
export async function handleForm<S extends z.ZodTypeAny>(
  formData: FormData,
  intent: string,
  schema: S,
  /** May resolve to a notice to show after success. */
  run: (value: z.output<S>) => Promise<unknown>,
) {
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") {
    return data<FormReply>({ intent, result: submission.reply() }, { status: 400 });
  }
  try {
    const outcome = await run(submission.value);
    const notice = typeof outcome === "string" ? outcome : undefined;
    return data<FormReply>({ intent, result: submission.reply({ resetForm: true }), notice });
  } catch (error) {
    if (!isServiceError(error)) throw error;
    const fieldErrors = Object.keys(error.fieldErrors).length > 0 ? error.fieldErrors : undefined;
    return data<FormReply>(
      {
        intent,
        result: submission.reply({ formErrors: fieldErrors ? [] : [error.message], fieldErrors }),
      },
      { status: statusOf[error.kind] },
    );
  }
}

/**
 * For commands without a form to redisplay (buttons, drag and drop): call the
 * service and answer `{ intent, notice }`, or `{ intent, error }` with the
 * refusal's status.
 */
export async function handleCommand(intent: string, run: () => Promise<unknown>) {
  try {
    const outcome = await run();
    return { intent, notice: typeof outcome === "string" ? outcome : undefined, error: undefined };
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return data({ intent, notice: undefined, error: error.message }, { status: statusOf[error.kind] });
  }
}
