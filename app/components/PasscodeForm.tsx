import { Form } from "@remix-run/react";

/** Asked before anything of a private event is shown. Works without JavaScript. */
export function PasscodeForm({ slug, error }: { slug: string; error?: string }) {
  return (
    <main id="main" className="page narrow">
      <h1>This event is private</h1>
      <p>Enter the passcode the organisers gave you. You only need to do this once on this device.</p>
      <Form method="post" action={`/e/${slug}/passcode`} className="card">
        {error ? (
          <p className="form-error" role="alert" id="passcode-error">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="passcode">Event passcode</label>
          <input
            id="passcode"
            name="passcode"
            type="password"
            required
            maxLength={64}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "passcode-error" : undefined}
          />
        </div>
        <button type="submit">Continue</button>
      </Form>
    </main>
  );
}
