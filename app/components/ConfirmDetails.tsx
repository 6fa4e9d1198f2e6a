import type { ReactNode } from "react";

/**
 * A destructive action asks first: the visible button only opens a short
 * question, and the real button inside does it. Works without JavaScript.
 */
export function ConfirmDetails({
  label,
  name,
  question,
  children,
}: {
  /** The visible label ("Withdraw"); part of the accessible name, as WCAG 2.5.3 asks. */
  label: string;
  /** The accessible name of the opener, e.g. "Withdraw TITLE". */
  name: string;
  question: string;
  /** The form with the button that does it. */
  children: ReactNode;
}) {
  return (
    <details className="confirm">
      <summary className="button small danger" aria-label={name}>
        {label}…
      </summary>
      <div className="confirm-body">
        <p>{question}</p>
        {children}
      </div>
    </details>
  );
}
