import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";

/** Tell everyone something now: it appears at once on every open page of the event. */
export function AnnouncementPanel({ current, reply }: { current: string | null; reply?: FormReply }) {
  const [form, fields] = useForm<{ text: string }>({ id: "announcement", lastResult: reply?.result });
  return (
    <section className="card" aria-labelledby="announcement-heading">
      <h2 id="announcement-heading">Tell everyone</h2>
      <p className="muted">{current ? `Showing now: “${current}”` : "No announcement is showing."}</p>
      <Form method="post" {...getFormProps(form)}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field
          label="Announcement"
          field={fields.text}
          hint="One line, shown on every phone, laptop and the projector."
        >
          <input
            {...getInputProps(fields.text, { type: "text", ariaDescribedBy: `${fields.text.id}-hint` })}
            maxLength={280}
            autoComplete="off"
          />
        </Field>
        <div className="row">
          <button type="submit" name="intent" value="announce">
            Announce
          </button>
          {current ? (
            <button type="submit" name="intent" value="clear-announcement" className="secondary" formNoValidate>
              Clear announcement
            </button>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
