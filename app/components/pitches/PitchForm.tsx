import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { featureLabel } from "../../domain/features";
import { SPAN_MAX } from "../../domain/spans";
import { limits } from "../../schemas/limits";
import type { PitchInput } from "../../schemas/pitch";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";

/** What the form holds (needs as a list of ticked values, slots as typed). */
type PitchFormValues = Omit<PitchInput, "needs" | "span"> & { needs?: string[]; span?: string };

/** Title, Markdown description, tags, slots, needs and remote link: used to pitch and to edit a pitch. */
export function PitchForm({
  reply,
  clientId,
  initial,
  vocabulary,
  submitLabel,
}: {
  reply?: FormReply;
  clientId?: string;
  initial?: {
    title: string;
    description: string;
    tags: string[];
    span?: number;
    needs?: string[];
    remoteUrl?: string | null;
  };
  /** The needs a pitch may choose: standard features and the rooms' own tags. */
  vocabulary: string[];
  submitLabel: string;
}) {
  const navigation = useNavigation();
  const [form, fields] = useForm<PitchFormValues>({
    id: "pitch",
    lastResult: reply?.result,
    defaultValue: initial
      ? {
          ...initial,
          tags: initial.tags.join(", "),
          span: String(initial.span ?? 1),
          remoteUrl: initial.remoteUrl ?? "",
        }
      : { span: "1" },
  });
  const chosen = new Set(
    Array.isArray(fields.needs.initialValue)
      ? fields.needs.initialValue
      : typeof fields.needs.initialValue === "string"
        ? [fields.needs.initialValue]
        : [],
  );
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
      <Field
        label="Slots needed"
        field={fields.span}
        hint={`1 for a usual session; a workshop can take up to ${SPAN_MAX} consecutive slots in one room.`}
      >
        <input
          {...getInputProps(fields.span, { type: "number", ariaDescribedBy: `${fields.span.id}-hint` })}
          min={1}
          max={SPAN_MAX}
          step={1}
        />
      </Field>
      <fieldset className="needs" aria-describedby={`${fields.needs.id}-hint`}>
        <legend>Needs (optional)</legend>
        <p className="hint" id={`${fields.needs.id}-hint`}>
          What the room must have. The organisers see it, and the grid keeps the session in a room that has it.
        </p>
        {vocabulary.map((need) => (
          <label key={need} className="check">
            <input type="checkbox" name={fields.needs.name} value={need} defaultChecked={chosen.has(need)} />
            {featureLabel(need)}
          </label>
        ))}
        {fields.needs.errors?.length ? (
          <p className="field-error" id={fields.needs.errorId}>
            {fields.needs.errors.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <Field
        label="Remote link (optional)"
        field={fields.remoteUrl}
        hint="A video call, stream or chat for people who cannot be there (https:// only)."
      >
        <input
          {...getInputProps(fields.remoteUrl, { type: "url", ariaDescribedBy: `${fields.remoteUrl.id}-hint` })}
          inputMode="url"
          placeholder="https://"
          maxLength={500}
          autoComplete="off"
        />
      </Field>
      <button type="submit" disabled={navigation.state === "submitting"}>
        {submitLabel}
      </button>
    </Form>
  );
}
