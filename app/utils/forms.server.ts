import type { SubmissionResult } from "@conform-to/react";
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
  const submission = parse(formData, schema);
  if (!submission) {
    // conform throws on a forged control field (`__intent__` that is not its JSON): a bad request, not a crash.
    const result: SubmissionResult<string[]> = { status: "error", error: { "": ["That form could not be read."] } };
    return data<FormReply>({ intent, result }, { status: 400 });
  }
  if (submission.status !== "success") {
    return data<FormReply>({ intent, result: boundedReply(submission.reply(), schema) }, { status: 400 });
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
        result: boundedReply(submission.reply({ formErrors: fieldErrors ? [] : [error.message], fieldErrors }), schema),
      },
      { status: statusOf[error.kind] },
    );
  }
}

function parse<S extends z.ZodTypeAny>(formData: FormData, schema: S) {
  try {
    return parseWithZod(formData, { schema });
  } catch {
    return null;
  }
}

/**
 * Echo bounds. A value up to twice its field's limit comes back whole, so a
 * person who typed a little too much sees it all and can shorten it (DESIGN.md:
 * nothing typed is lost on an error); past that it is cut there. Fields the
 * schema does not bound come back cut to the fallback.
 */
const ECHO_SLACK = 2;
const ECHO_FALLBACK_LENGTH = 1000;
const ECHO_MAX_ITEMS = 100;
const ECHO_MAX_MESSAGE = 500;

/** The schema inside optional, default, effects (refine, transform, preprocess) and pipeline wrappers. */
function unwrap(schema: z.ZodTypeAny | undefined): z.ZodTypeAny | undefined {
  let current = schema;
  for (let depth = 0; current && depth < 20; depth++) {
    const def = current._def as {
      typeName?: string;
      innerType?: z.ZodTypeAny;
      schema?: z.ZodTypeAny;
      in?: z.ZodTypeAny;
      type?: z.ZodTypeAny;
    };
    const inner =
      def.typeName === "ZodOptional" || def.typeName === "ZodNullable" || def.typeName === "ZodDefault"
        ? def.innerType
        : def.typeName === "ZodEffects"
          ? def.schema
          : def.typeName === "ZodPipeline"
            ? def.in
            : def.typeName === "ZodBranded" || def.typeName === "ZodCatch" || def.typeName === "ZodReadonly"
              ? (def.type ?? def.innerType)
              : undefined;
    if (!inner) return current;
    current = inner;
  }
  return current;
}

/** The schema of one field (`key` of an object, or the items of an array). */
function child(schema: z.ZodTypeAny | undefined, key: string): z.ZodTypeAny | undefined {
  const inner = unwrap(schema);
  const def = inner?._def as { typeName?: string; shape?: () => Record<string, z.ZodTypeAny>; type?: z.ZodTypeAny };
  if (def?.typeName === "ZodObject" && def.shape) return def.shape()[key];
  if (def?.typeName === "ZodArray") return def.type;
  return undefined;
}

/** The longest string a schema accepts, when it says. */
export function maxLengthOf(schema: z.ZodTypeAny | undefined): number | undefined {
  const def = unwrap(schema)?._def as { typeName?: string; checks?: { kind: string; value?: number }[] };
  if (def?.typeName !== "ZodString") return undefined;
  const maxes = (def.checks ?? []).filter((c) => c.kind === "max" || c.kind === "length").map((c) => c.value ?? 0);
  return maxes.length ? Math.min(...maxes) : undefined;
}

function boundValue(value: unknown, schema: z.ZodTypeAny | undefined): unknown {
  if (typeof value === "string") {
    const max = maxLengthOf(schema);
    return value.slice(0, max === undefined ? ECHO_FALLBACK_LENGTH : max * ECHO_SLACK);
  }
  if (Array.isArray(value)) return value.slice(0, ECHO_MAX_ITEMS).map((item) => boundValue(item, child(schema, "")));
  if (value && typeof value === "object") {
    const entries = Object.entries(value).slice(0, ECHO_MAX_ITEMS);
    return Object.fromEntries(entries.map(([key, item]) => [key.slice(0, 100), boundValue(item, child(schema, key))]));
  }
  return value;
}

/**
 * conform's reply echoes every submitted value so the form keeps what the
 * person typed. A refused value must not come back whole: each field is cut
 * to twice its schema's maximum length (or a fallback), lists and unknown
 * fields are capped, and so are messages (zod's can quote the input).
 */
export function boundedReply(result: SubmissionResult<string[]>, schema: z.ZodTypeAny): SubmissionResult<string[]> {
  const error = result.error
    ? Object.fromEntries(
        Object.entries(result.error)
          .slice(0, ECHO_MAX_ITEMS)
          .map(([key, messages]) => [
            key.slice(0, 100),
            messages ? messages.slice(0, 10).map((m) => m.slice(0, ECHO_MAX_MESSAGE)) : messages,
          ]),
      )
    : result.error;
  return {
    ...result,
    initialValue: result.initialValue
      ? (boundValue(result.initialValue, schema) as SubmissionResult<string[]>["initialValue"])
      : result.initialValue,
    error,
    fields: result.fields?.slice(0, ECHO_MAX_ITEMS).map((f) => f.slice(0, 100)),
  };
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
