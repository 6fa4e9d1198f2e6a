import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { usePeople } from "../capture/usePeople";

export interface CoHostRow {
  attendeeId: string;
  name: string;
  status: "invited" | "accepted" | "declined";
}

const statusText: Record<CoHostRow["status"], string> = {
  invited: "invited, not answered yet",
  accepted: "co-hosts",
  declined: "declined",
};

/**
 * The pitch's co-hosts on its edit page. The pitcher picks people who joined
 * (the "Said by" suggestions); each decides on their own phone, and only then
 * shows as a host anywhere.
 */
export function CoHostsPanel({
  slug,
  coHosts,
  isPitcher,
  error,
  notice,
}: {
  slug: string;
  coHosts: CoHostRow[];
  isPitcher: boolean;
  error?: string;
  notice?: string;
}) {
  const { people, load } = usePeople(slug);
  const [typed, setTyped] = useState("");
  const navigation = useNavigation();
  const query = typed.trim().toLocaleLowerCase();
  const picked = people.find((p) => p.label === typed.trim()) ?? null;
  const taken = new Set(coHosts.filter((c) => c.status !== "declined").map((c) => c.attendeeId));
  const suggestions =
    query && !picked
      ? people.filter((p) => !taken.has(p.id) && p.label.toLocaleLowerCase().startsWith(query)).slice(0, 5)
      : [];
  return (
    <section className="card" aria-labelledby="cohosts-heading">
      <h2 id="cohosts-heading">Co-hosts</h2>
      {coHosts.length === 0 ? (
        <p className="muted">No co-hosts yet.</p>
      ) : (
        <ul className="plain-list" aria-label="Co-hosts">
          {coHosts.map((c) => (
            <li key={c.attendeeId} className="row">
              <span>
                {c.name} <span className="muted">({statusText[c.status]})</span>
              </span>
              {isPitcher ? (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="remove-cohost" />
                  <input type="hidden" name="attendeeId" value={c.attendeeId} />
                  <button type="submit" className="small secondary" aria-label={`Remove ${c.name}`}>
                    Remove
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {isPitcher ? (
        <Form method="post" onSubmit={() => setTyped("")}>
          <input type="hidden" name="intent" value="invite-cohost" />
          <input type="hidden" name="attendeeId" value={picked?.id ?? ""} />
          <div className="field">
            <label htmlFor="cohost-name">Co-host</label>
            <input
              id="cohost-name"
              type="text"
              autoComplete="off"
              maxLength={80}
              aria-describedby="cohost-hint"
              value={typed}
              onFocus={load}
              onChange={(event) => setTyped(event.currentTarget.value)}
            />
            <p className="hint" id="cohost-hint">
              Someone who joined this event. They accept or decline on their own phone; until they accept, nobody else
              sees it.
            </p>
            {suggestions.length ? (
              <ul className="suggestions" aria-label="People who joined">
                {suggestions.map((person) => (
                  <li key={person.id}>
                    <button type="button" className="small secondary" onClick={() => setTyped(person.label)}>
                      {person.label}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            {picked ? (
              <p className="hint" role="status">
                {picked.label} will be asked.
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={!picked || navigation.state === "submitting"}>
            Invite co-host
          </button>
        </Form>
      ) : (
        <p className="muted">You co-host this session: you can edit it. The pitcher chooses its co-hosts.</p>
      )}
    </section>
  );
}
