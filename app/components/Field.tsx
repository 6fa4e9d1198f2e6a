import type { FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";

/** A label, the control, an optional hint and the field's error messages, wired for screen readers. */
export function Field({
  label,
  field,
  hint,
  children,
}: {
  label: string;
  field: FieldMetadata<unknown>;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      {hint ? (
        <p className="hint" id={`${field.id}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      {field.errors?.length ? (
        <p className="field-error" id={field.errorId}>
          {field.errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** Errors that belong to the whole form (a refusal from the server). */
export function FormErrors({ errors, id }: { errors?: string[]; id: string }) {
  if (!errors?.length) return null;
  return (
    <p className="form-error" id={id} role="alert">
      {errors.join(" ")}
    </p>
  );
}
