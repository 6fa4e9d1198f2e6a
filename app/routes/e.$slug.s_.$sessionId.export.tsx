import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/Field";
import { SanitisedHtml } from "../components/SanitisedHtml";
import { type PostEditsInput, postEditsSchema } from "../schemas/export";
import { previewFor } from "../services/exportHttp.server";

/**
 * "Preview and edit before export": the session as its blog post will read,
 * and a form to change the title and introduction before downloading it as
 * Markdown or HTML. The form posts straight to the .md / .html resource
 * routes (a plain form submission, so the browser downloads the file and
 * stays on this page); the browser checks the fields with the same schema
 * first, and the routes check them again. The preview is read and rendered
 * by a worker thread, as the exports are.
 */

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return previewFor(context, request, params.slug, params.sessionId);
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Export “${data.session.title}” · ${data.eventName} · Unconf` : "Export · Unconf" },
];

export default function ExportPreview() {
  const { slug, session, bodyHtml, eventName, named } = useLoaderData<typeof loader>();
  const base = `/e/${slug}/s/${session.id}`;
  const [form, fields] = useForm<PostEditsInput>({
    id: "post-edits",
    defaultValue: { title: session.title, introduction: session.description },
    constraint: getZodConstraint(postEditsSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: postEditsSchema }),
  });
  return (
    <main id="main" className="page narrow">
      <h1>Preview and edit before export</h1>
      <p>
        <Link to={base}>Back to the session</Link>
      </p>

      <section className="card" aria-labelledby="edit-heading">
        <h2 id="edit-heading">Edit the post</h2>
        <p className="hint">
          Your changes go into the file you download; the session itself stays as it is. Names appear only for people
          who agreed to be named
          {session.chathamHouse ? " (none in this session: it is under the Chatham House rule)" : ""}.
        </p>
        <form method="post" action={`${base}/export.md`} {...getFormProps(form)}>
          <FormErrors errors={form.errors} id={form.errorId} />
          <Field label="Title" field={fields.title}>
            <input {...getInputProps(fields.title, { type: "text" })} autoComplete="off" />
          </Field>
          <Field label="Introduction" field={fields.introduction} hint="Markdown. It opens the post, before the notes.">
            <textarea
              {...getTextareaProps(fields.introduction, { ariaDescribedBy: `${fields.introduction.id}-hint` })}
              rows={8}
            />
          </Field>
          <div className="row">
            <button type="submit" formAction={`${base}/export.md`}>
              Download Markdown
            </button>
            <button type="submit" formAction={`${base}/export.html`} className="secondary">
              Download HTML
            </button>
          </div>
        </form>
      </section>

      <section className="card" aria-labelledby="named-heading">
        <h2 id="named-heading">Who this post names</h2>
        {named.length === 0 ? (
          <p>
            No one: the post names nobody{session.chathamHouse ? " (the session is under the Chatham House rule)" : ""}.
          </p>
        ) : (
          <ul className="plain-list">
            {named.map((person) => (
              <li key={`${person.name}|${person.basis}`}>
                <strong>{person.name}</strong>
                <span className="muted"> — {person.basis}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="hint">
          A name someone was picked for shows only once they chose “Name me”; other names only when the note-taker
          ticked “They agreed to be named”.
        </p>
      </section>

      <section className="card" aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        <p className="muted">As the post reads now, before your edits.</p>
        <article className="prose" lang="en">
          <p className="muted">{eventName}</p>
          <h3 dir="auto">{session.title}</h3>
          <p className="muted">
            {session.whereAndWhen}
            {session.byline ? `. ${session.byline}` : ""}
          </p>
          {session.tags.length ? (
            <ul className="tags" aria-label="Tags">
              {session.tags.map((tag) => (
                <li key={tag} className="badge" dir="auto">
                  {tag}
                </li>
              ))}
            </ul>
          ) : null}
          <SanitisedHtml className="" html={bodyHtml} />
        </article>
      </section>

      <p>
        Or download it unchanged: <a href={`${base}/export.md`}>Export as Markdown</a> ·{" "}
        <a href={`${base}/export.html`}>Export as HTML</a> · <a href={`/e/${slug}/export`}>All exports of the event</a>
      </p>
    </main>
  );
}
