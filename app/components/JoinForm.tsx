import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import type { JoinInput } from "../schemas/attendee";
import { limits } from "../schemas/limits";
import type { FormReply } from "../utils/forms";
import { Field, FormErrors } from "./Field";

/** "Your name" and consent to be named in write-ups: all it takes to join. */
export function JoinForm({
  reply,
  current,
}: {
  reply?: FormReply;
  current?: { name: string; nameInWriteups: boolean };
}) {
  const navigation = useNavigation();
  const busy = navigation.formData?.get("intent") === "join";
  const [form, fields] = useForm<JoinInput>({
    id: "join",
    lastResult: reply?.result,
    defaultValue: current
      ? { name: current.name, nameInWriteups: current.nameInWriteups ? "on" : undefined }
      : undefined,
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="join" />
      <FormErrors errors={form.errors} id={form.errorId} />
      <Field label="Your name" field={fields.name} hint="Leave it blank to take part anonymously.">
        <input
          {...getInputProps(fields.name, { type: "text", ariaDescribedBy: `${fields.name.id}-hint` })}
          maxLength={limits.attendeeName}
          autoComplete="name"
        />
      </Field>
      <label className="check">
        <input {...getInputProps(fields.nameInWriteups, { type: "checkbox" })} />
        Name me in write-ups
      </label>
      <button type="submit" disabled={busy}>
        {current ? "Save" : "Join"}
      </button>
    </Form>
  );
}
