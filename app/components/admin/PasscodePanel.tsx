import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { limits } from "../../schemas/limits";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";

export function PasscodePanel({ hasPasscode, reply }: { hasPasscode: boolean; reply?: FormReply }) {
  const [form, fields] = useForm<{ passcode?: string }>({ id: "passcode-setting", lastResult: reply?.result });
  return (
    <section className="card" aria-labelledby="passcode-heading">
      <h2 id="passcode-heading">Privacy</h2>
      <p>
        {hasPasscode
          ? "This event is private: visitors need the passcode."
          : "Anyone with the attendee link can see this event."}
      </p>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="set-passcode" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field
          label={hasPasscode ? "New event passcode" : "Event passcode"}
          field={fields.passcode}
          hint={hasPasscode ? "Leave it blank and save to make the event public." : "At least 4 characters."}
        >
          <input
            {...getInputProps(fields.passcode, { type: "text", ariaDescribedBy: `${fields.passcode.id}-hint` })}
            maxLength={limits.passcode}
            autoComplete="off"
          />
        </Field>
        <button type="submit" className="secondary">
          {hasPasscode ? "Change passcode" : "Set passcode"}
        </button>
      </Form>
    </section>
  );
}
