import { Form, Link } from "@remix-run/react";
import { hostsLine } from "../../domain/hosts";
import { tallyText } from "../../domain/voting";
import { ConfirmDetails } from "../ConfirmDetails";
import { SanitisedHtml } from "../SanitisedHtml";
import { VoteButton } from "./VoteButton";

export interface PitchCardData {
  id: string;
  title: string;
  descriptionHtml: string;
  tags: string[];
  pitcherName: string | null;
  coHostNames: string[];
  mine: boolean;
  canEdit: boolean;
  voted: boolean;
}

/** One pitch: an article headed by its title, with its tally and the vote toggle. */
export function PitchCard({
  slug,
  pitch,
  votes,
  canVote,
  showVoteButton,
}: {
  slug: string;
  pitch: PitchCardData;
  votes: number | null;
  canVote: boolean;
  showVoteButton: boolean;
}) {
  const headingId = `pitch-${pitch.id}-title`;
  return (
    <article className="card pitch" id={`pitch-${pitch.id}`} aria-labelledby={headingId}>
      <div className="pitch-head">
        <h3 id={headingId}>{pitch.title}</h3>
        {/* Not a live region: every vote anywhere would say "3 votes" without the pitch. One's own vote is
            heard through the button's pressed state and the "K votes left" status line. */}
        <p className="tally">{votes === null ? <span className="muted">Tally hidden</span> : tallyText(votes)}</p>
      </div>
      <p className="muted byline">{hostsLine(pitch.pitcherName, pitch.coHostNames)}</p>
      {pitch.descriptionHtml ? <SanitisedHtml html={pitch.descriptionHtml} /> : null}
      {pitch.tags.length ? (
        <ul className="tags" aria-label="Tags">
          {pitch.tags.map((tag) => (
            <li key={tag} className="badge">
              {tag}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="pitch-actions">
        {showVoteButton ? (
          <VoteButton slug={slug} pitchId={pitch.id} title={pitch.title} voted={pitch.voted} disabled={!canVote} />
        ) : null}
        <Link
          className="button secondary"
          to={`/e/${slug}/s/${pitch.id}`}
          aria-label={`Notes for ${pitch.title}`}
          // The route is known already: no manifest request per new pitch on every phone.
          discover="none"
        >
          Notes
        </Link>
        {pitch.canEdit ? (
          <Link
            className="button secondary"
            to={`/e/${slug}/pitch/${pitch.id}`}
            aria-label={`Edit ${pitch.title}`}
            discover="none"
          >
            Edit
          </Link>
        ) : null}
        {pitch.mine ? (
          <ConfirmDetails
            label="Withdraw"
            name={`Withdraw ${pitch.title}…`}
            question="Withdraw your pitch? It leaves the board and the grid, and its votes stop counting. This cannot be undone."
          >
            <Form method="post" action={`/e/${slug}?index`} className="inline-form">
              <input type="hidden" name="intent" value="withdraw" />
              <input type="hidden" name="pitchId" value={pitch.id} />
              <button type="submit" className="danger" aria-label={`Withdraw ${pitch.title}`}>
                Withdraw
              </button>
            </Form>
          </ConfirmDetails>
        ) : null}
      </div>
    </article>
  );
}
