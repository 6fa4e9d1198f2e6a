import { Form } from "@remix-run/react";
import { ConfirmDetails } from "../ConfirmDetails";

/**
 * Removing a room or slot asks first ("Remove ROOM" opens the question, "Yes,
 * remove ROOM" does it); when sessions are placed in it, the question says
 * that they go back to "Not scheduled yet".
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
  const question =
    holds === 0
      ? `Remove the ${what}?`
      : `The ${what} holds ${holds} session${holds === 1 ? "" : "s"}. Removing it moves ${
          holds === 1 ? "that session" : "them"
        } back to “Not scheduled yet”.`;
  return (
    <ConfirmDetails label="Remove" name={`Remove ${what}…`} question={question}>
      <Form method="post" className="inline-form">
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name={field.name} value={field.value} />
        <button type="submit" className="small danger" aria-label={`Yes, remove ${what}`}>
          Yes, remove
        </button>
      </Form>
    </ConfirmDetails>
  );
}
