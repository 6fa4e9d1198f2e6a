import { useState } from "react";

function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} type="url" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
          aria-label={`Copy ${label.toLowerCase()}`}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

/** The two links an organiser hands out, and a QR code for the attendee one. */
export function LinksPanel({
  attendeeLink,
  organiserLink,
  qrDataUri,
}: {
  attendeeLink: string;
  organiserLink: string | null;
  qrDataUri: string;
}) {
  return (
    <section className="card" aria-labelledby="links-heading">
      <h2 id="links-heading">Links</h2>
      <CopyField label="Attendee link" id="attendee-link" value={attendeeLink} />
      {organiserLink ? (
        <>
          <CopyField label="Organiser link" id="organiser-link" value={organiserLink} />
          <p className="hint">Anyone with the organiser link can run this event. Share it only with co-organisers.</p>
        </>
      ) : null}
      <figure className="qr">
        <img src={qrDataUri} alt="QR code for the attendee link" width={192} height={192} />
        <figcaption className="hint">Put this on a slide or a poster so people can join from their phones.</figcaption>
      </figure>
    </section>
  );
}
