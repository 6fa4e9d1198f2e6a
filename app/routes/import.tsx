import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Field, FormErrors } from "../components/Field";
import { importFormSchema } from "../schemas/export";
import { ServiceError, isServiceError } from "../services/errors";
import { importEvent } from "../services/export.server";
import { setIdentityEntry } from "../services/request.server";
import { replyFor } from "../utils/forms";
import { handleForm } from "../utils/forms.server";

/**
 * Import: a whole-event file (/e/:slug/export.json from this or another
 * install) becomes a new event here, and whoever imports it becomes its
 * organiser, as when creating an event. Every part of the file is checked
 * (app/schemas/eventFile.ts); a file that fails is refused with its problems
 * listed, and nothing is written.
 */

export const meta: MetaFunction = () => [{ title: "Import an event · Unconf" }];

const MAX_LISTED = 12;

const formSchema = importFormSchema.extend({
  file: z.instanceof(File, { message: "Choose a file." }).optional(),
});

/** "sessions.3.notes.0.text" reads as "sessions[3].notes[0].text". */
function readablePath(path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

function refusal(error: ServiceError): ServiceError {
  if (error.fieldErrors.passcode) return error;
  const problems = Object.entries(error.fieldErrors).flatMap(([path, messages]) =>
    messages.map((message) => (path ? `${readablePath(path)}: ${message}` : message)),
  );
  if (problems.length === 0) return error;
  const listed = problems.slice(0, MAX_LISTED).join(" · ");
  const more = problems.length > MAX_LISTED ? ` · and ${problems.length - MAX_LISTED} more` : "";
  return new ServiceError("invalid", `The file was not imported. ${listed}${more}`);
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The body's size is capped as it arrives, before this runs (MAX_IMPORT_SIZE, server.ts); creating
  // events by import counts against the same per-IP limit as creating them by hand.
  const formData = await request.formData();
  let cookie = "";
  let slug = "";
  const reply = await handleForm(formData, "import", formSchema, async (value) => {
    await context.limiter.consumeNewEvent(context.clientIp);
    const source = value.file ? await value.file.text() : (value.json ?? "");
    if (!source.trim()) {
      const message = "Choose the export file (the .unconf.json from Exports), or paste its contents.";
      throw new ServiceError("invalid", message, { file: [message] });
    }
    try {
      // Parsing, checking and rendering the file run in the worker thread (app/services/importCheck.ts).
      const { event, organiserKey } = await importEvent(
        context,
        { source, passcode: value.passcode },
        { ip: context.clientIp },
      );
      cookie = await setIdentityEntry(context, request, "o", event.id, organiserKey);
      slug = event.slug;
    } catch (error) {
      if (isServiceError(error) && error.fieldErrors.json && value.file) {
        // A file that is not JSON: say so at the file field.
        throw new ServiceError("invalid", error.message, { file: error.fieldErrors.json });
      }
      if (isServiceError(error) && error.fieldErrors.json) throw error;
      throw isServiceError(error) ? refusal(error) : error;
    }
  });
  if (slug) throw redirect(`/e/${slug}/admin?created=1`, { headers: { "Set-Cookie": cookie } });
  return reply;
}

export default function Import() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [form, fields] = useForm<z.input<typeof formSchema>>({
    id: "import-event",
    lastResult: replyFor(actionData, "import")?.result,
    constraint: getZodConstraint(importFormSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: formSchema }),
  });
  return (
    <main id="main" className="page narrow">
      <h1>Import an event</h1>
      <p>
        Bring an event over from another Unconf: on the old install, an organiser downloads “The whole event (JSON)”
        from the event's Exports page. Importing it here creates a new event with its rooms, time slots, sessions, notes
        and anonymous votes, and makes you its organiser.
      </p>
      <section className="card" aria-labelledby="import-heading">
        <h2 id="import-heading">Import</h2>
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field label="Export file" field={fields.file}>
            <input {...getInputProps(fields.file, { type: "file" })} accept=".json,application/json" />
          </Field>
          <Field label="Or paste the file's contents" field={fields.json} hint="Only when you have no file to choose.">
            <textarea {...getTextareaProps(fields.json, { ariaDescribedBy: `${fields.json.id}-hint` })} rows={6} />
          </Field>
          <Field
            label="Passcode (for a private event)"
            field={fields.passcode}
            hint="A private event needs a new passcode here: the old one is never exported."
          >
            <input
              {...getInputProps(fields.passcode, { type: "text", ariaDescribedBy: `${fields.passcode.id}-hint` })}
              autoComplete="off"
            />
          </Field>
          <button type="submit" disabled={busy}>
            {busy ? "Importing…" : "Import event"}
          </button>
        </Form>
      </section>
      <p>
        <Link to="/">Create a new event instead</Link>
      </p>
    </main>
  );
}
