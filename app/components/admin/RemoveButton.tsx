import { Form } from "@remix-run/react";

/**
 * Removes a room or slot at once when it is empty; when sessions are placed
 * in it, asks first and says that they go back to "Not scheduled yet".
 */
export function RemoveButton({
  what,
  intent,
  field,
  holds,
}: {
  what: string;
  intent: string;
  field: { name: string; value: string };
  holds: number;
}) {
  const form = (label: string) => (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={field.name} value={field.value} />
      <button type="submit" className="danger" aria-label={label}>
        {holds > 0 ? "Remove anyway" : "Remove"}
      </button>
    </Form>
  );
  if (holds === 0) return form(`Remove ${what}`);
  return (
    <details>
      <summary className="button secondary">Remove…</summary>
      <p>
        The {what} holds {holds} session{holds === 1 ? "" : "s"}. Removing it moves{" "}
        {holds === 1 ? "that session" : "them"} back to “Not scheduled yet”.
      </p>
      {form(`Remove ${what} and unschedule its sessions`)}
    </details>
  );
}
