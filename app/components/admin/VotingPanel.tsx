import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import type { VotingSettingsInput } from "../../schemas/event";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";

export interface VotingView {
  votingOpen: boolean;
  pitchingOpen: boolean;
  votesPerAttendee: number;
  blindVoting: boolean;
  shufflePitches: boolean;
}

function Toggle({ intent, label }: { intent: string; label: string }) {
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className="secondary">
        {label}
      </button>
    </Form>
  );
}

/** Pitching and voting: open or closed, and how votes work. */
export function VotingPanel({ settings, reply }: { settings: VotingView; reply?: FormReply }) {
  const [form, fields] = useForm<VotingSettingsInput>({
    id: "voting-settings",
    lastResult: reply?.result,
    defaultValue: {
      votesPerAttendee: String(settings.votesPerAttendee),
      blindVoting: settings.blindVoting ? "on" : undefined,
      shufflePitches: settings.shufflePitches ? "on" : undefined,
    },
  });
  return (
    <section className="card" aria-labelledby="voting-heading">
      <h2 id="voting-heading">Pitching and voting</h2>
      <ul className="plain-list">
        <li>
          <span>
            Pitching is <strong>{settings.pitchingOpen ? "open" : "closed"}</strong>.
          </span>
          <Toggle
            intent={settings.pitchingOpen ? "close-pitching" : "open-pitching"}
            label={settings.pitchingOpen ? "Close pitching" : "Open pitching"}
          />
        </li>
        <li>
          <span>
            Voting is <strong>{settings.votingOpen ? "open" : "closed"}</strong>.
          </span>
          <Toggle
            intent={settings.votingOpen ? "close-voting" : "open-voting"}
            label={settings.votingOpen ? "Close voting" : "Open voting"}
          />
        </li>
      </ul>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="voting-settings" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="Votes per attendee" field={fields.votesPerAttendee}>
          <input {...getInputProps(fields.votesPerAttendee, { type: "number" })} min={1} max={50} step={1} required />
        </Field>
        <label className="check">
          <input {...getInputProps(fields.blindVoting, { type: "checkbox" })} />
          Blind voting: hide tallies from attendees until voting closes
        </label>
        <label className="check">
          <input {...getInputProps(fields.shufflePitches, { type: "checkbox" })} />
          Shuffle the pitch order for each attendee while voting is open
        </label>
        <button type="submit">Save voting settings</button>
      </Form>
    </section>
  );
}
