import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { type ActionFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Field, FormErrors } from "../components/Field";
import { limits } from "../schemas/limits";
import { type CreateEventInput, createEventSchema, openEventSchema } from "../schemas/event";
import { ServiceError } from "../services/errors";
import { createEvent } from "../services/events.server";
import { setIdentityEntry } from "../services/request.server";
import { findEventBySlug } from "../services/viewer.server";
import { handleForm } from "../utils/forms.server";
import { replyFor } from "../utils/forms";

import { pickTimeZone, timeZoneList } from "../domain/timeZones";

export const meta: MetaFunction = () => [{ title: "Unconf: plan an unconference" }];

export function loader() {
  const timeZones = timeZoneList(Intl.supportedValuesOf("timeZone"));
  return {
    today: new Date().toISOString().slice(0, 10),
    timeZones,
    // The server's own zone until the browser says the organiser's (below).
    defaultTimeZone: pickTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone, timeZones) ?? "UTC",
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  if (formData.get("intent") === "open") {
    return handleForm(formData, "open", openEventSchema, async ({ address }) => {
      const event = findEventBySlug(context, address);
      if (!event) {
        const message = `No event found for "${address}". Check the link you were given.`;
        throw new ServiceError("not_found", message, { address: [message] });
      }
      throw redirect(`/e/${event.slug}`);
    });
  }
  let cookie = "";
  let slug = "";
  const reply = await handleForm(formData, "create", createEventSchema, async (value) => {
    const { event, organiserKey } = await createEvent(context, value, { ip: context.clientIp });
    cookie = await setIdentityEntry(context, request, "o", event.id, organiserKey);
    slug = event.slug;
  });
  if (slug) throw redirect(`/e/${slug}/admin?created=1`, { headers: { "Set-Cookie": cookie } });
  return reply;
}

export default function Index() {
  const { today, timeZones, defaultTimeZone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const creating = navigation.formData?.get("intent") === "create";
  const [form, fields] = useForm<CreateEventInput>({
    id: "create-event",
    lastResult: replyFor(actionData, "create")?.result,
    defaultValue: { date: today, timeZone: defaultTimeZone },
    shouldRevalidate: "onInput",
  });
  const [openForm, openFields] = useForm<{ address: string }>({
    id: "open-event",
    lastResult: replyFor(actionData, "open")?.result,
  });
  const timeZoneRef = useRef<HTMLSelectElement>(null);

  // The server guesses its own zone; the browser knows the organiser's.
  useEffect(() => {
    const select = timeZoneRef.current;
    const local = pickTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone, timeZones);
    if (select && !actionData && local) select.value = local;
  }, [actionData, timeZones]);

  return (
    <main id="main" className="page narrow">
      <h1>Unconf</h1>
      <p>
        Plan an unconference on the day: people pitch sessions and vote from their phones, you build the grid, and
        note-takers capture what was said. No accounts: a link and a name are enough.
      </p>

      <section className="card" aria-labelledby="create-heading">
        <h2 id="create-heading">Create an event</h2>
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="create" />
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field label="Event name" field={fields.name}>
            <input
              {...getInputProps(fields.name, { type: "text" })}
              maxLength={limits.eventName}
              autoComplete="off"
              required
            />
          </Field>
          <Field label="Date" field={fields.date}>
            <input {...getInputProps(fields.date, { type: "date" })} required />
          </Field>
          <Field label="Time zone" field={fields.timeZone}>
            <select {...getSelectProps(fields.timeZone)} ref={timeZoneRef} required>
              {timeZones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Passcode (optional)"
            field={fields.passcode}
            hint="For a private event: visitors enter it once before they can see anything."
          >
            <input
              {...getInputProps(fields.passcode, { type: "text", ariaDescribedBy: `${fields.passcode.id}-hint` })}
              maxLength={limits.passcode}
              autoComplete="off"
            />
          </Field>
          <button type="submit" disabled={creating}>
            {creating ? "Creating…" : "Create event"}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="open-heading">
        <h2 id="open-heading">Open an event</h2>
        <Form method="post" {...getFormProps(openForm)}>
          <input type="hidden" name="intent" value="open" />
          <Field
            label="Event link or name"
            field={openFields.address}
            hint="Paste the link you were given, or the event's short name."
          >
            <input {...getInputProps(openFields.address, { type: "text" })} required autoComplete="off" />
          </Field>
          <button type="submit" className="secondary">
            Open event
          </button>
        </Form>
      </section>
    </main>
  );
}
