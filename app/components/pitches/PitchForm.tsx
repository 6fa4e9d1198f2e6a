import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { limits } from "../../schemas/limits";
import type { PitchInput } from "../../schemas/pitch";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";

/** Title, Markdown description and tags: used to pitch and to edit a pitch. */
export function PitchForm({
  reply,
  clientId,
  initial,
  submitLabel,
}: {
  reply?: FormReply;
  clientId?: string;
  initial?: { title: string; description: string; tags: string[] };
  submitLabel: string;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm<PitchInput>({
    id: "pitch",
    lastResult: reply?.result,
    defaultValue: initial ? { ...initial, tags: initial.tags.join(", ") } : undefined,
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      {clientId ? <input type="hidden" name="clientId" value={clientId} /> : null}
      <FormErrors errors={form.errors} id={form.errorId} />
      <Field label="Title" field={fields.title}>
        <input
          {...getInputProps(fields.title, { type: "text" })}
          maxLength={limits.pitchTitle}
          required
          autoComplete="off"
        />
      </Field>
      <Field
        label="Description"
        field={fields.description}
        hint="What do you want to talk about? Markdown works: **bold**, *italic*, lists, links."
      >
        <textarea
          {...getTextareaProps(fields.description, { ariaDescribedBy: `${fields.description.id}-hint` })}
          maxLength={limits.pitchDescription}
          rows={6}
        />
      </Field>
      <Field label="Tags (optional)" field={fields.tags} hint="Up to 5, separated by commas.">
        <input
          {...getInputProps(fields.tags, { type: "text", ariaDescribedBy: `${fields.tags.id}-hint` })}
          autoComplete="off"
        />
      </Field>
      <button type="submit" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </button>
    </Form>
  );
}
