import { toHtml } from "hast-util-to-html";
import { h } from "hastscript";
import { localNow, localToInstant } from "../clock";
import { slugify } from "../slug";
import { exportFieldHtml, sessionBodyHtml } from "./html.server";
import { listOfNames, whereAndWhen } from "./markdown.server";
import type { EventExport, ExportSession } from "./model";
import { titleSlug } from "./names";
import { rfc822 } from "./time";
import { cdata, serialize, xmlDocument, xmlText } from "./xml";

/**
 * The write-ups as a WordPress eXtended RSS (WXR 1.2) file, for Tools →
 * Import → WordPress: one draft post per session, in a category named after
 * the event, with the session's tags as post tags. Posts belong to one
 * author login, "unconf", which the importer asks to map to a user; the
 * people the attribution rule allows to name appear in the post's byline.
 * Each session photo is an attachment item (post type "attachment", its
 * parent the session's post) whose `wp:attachment_url` is the photo's address
 * on this site (under PUBLIC_URL when set), with its description as the
 * image's alt text (`_wp_attachment_image_alt`): the importer's "Download and
 * import file attachments" fetches them, so the site must be reachable from
 * WordPress (a private event's photos need its passcode and cannot be fetched).
 */

export const WXR_NAMESPACES = {
  excerpt: "http://wordpress.org/export/1.2/excerpt/",
  content: "http://purl.org/rss/1.0/modules/content/",
  wfw: "http://wellformedweb.org/CommentAPI/",
  dc: "http://purl.org/dc/elements/1.1/",
  wp: "http://wordpress.org/export/1.2/",
} as const;

const AUTHOR_LOGIN = "unconf";

/** WordPress-style term slug: ASCII when possible, else percent-encoded UTF-8 like sanitize_title. */
function termSlug(name: string): string {
  const ascii = slugify(name);
  if (/[a-z0-9]/.test(name.normalize("NFKD").toLowerCase())) return ascii;
  return encodeURIComponent(name.trim().toLowerCase().replace(/\s+/g, "-")).toLowerCase();
}

/** "YYYY-MM-DD HH:MM:SS" as WordPress stores post dates: wall-clock in a zone, or UTC. */
function wpDate(instant: Date, timeZone?: string): string {
  if (timeZone) return `${localNow(timeZone, instant).replace("T", " ")}:00`;
  return instant.toISOString().slice(0, 19).replace("T", " ");
}

function postContent(model: EventExport, session: ExportSession): string {
  const meta = [whereAndWhen(session, model.event)];
  if (session.authors.length) meta.push(`By ${listOfNames(session.authors)}`);
  return `${toHtml(h("p", h("em", meta.join(". "))))}\n${sessionBodyHtml(session)}`;
}

export function wxr(model: EventExport): string {
  const { event } = model;
  const doc = xmlDocument();
  const rss = doc.ele("rss", {
    version: "2.0",
    "xmlns:excerpt": WXR_NAMESPACES.excerpt,
    "xmlns:content": WXR_NAMESPACES.content,
    "xmlns:wfw": WXR_NAMESPACES.wfw,
    "xmlns:dc": WXR_NAMESPACES.dc,
    "xmlns:wp": WXR_NAMESPACES.wp,
  });
  const channel = rss.ele("channel");
  channel.ele("title").txt(xmlText(event.name));
  channel.ele("link").txt(xmlText(event.url));
  channel.ele("description").txt(xmlText(`Write-ups from ${event.name}`));
  channel.ele("pubDate").txt(xmlText(rfc822(new Date(model.generatedAt))));
  channel.ele("language").txt(xmlText("en"));
  channel.ele("wp:wxr_version").txt(xmlText("1.2"));
  channel.ele("wp:base_site_url").txt(xmlText(model.origin));
  channel.ele("wp:base_blog_url").txt(xmlText(event.url));

  const author = channel.ele("wp:author");
  author.ele("wp:author_id").txt(xmlText("1"));
  cdata(author.ele("wp:author_login"), AUTHOR_LOGIN);
  cdata(author.ele("wp:author_email"), "");
  cdata(author.ele("wp:author_display_name"), "Unconf");
  cdata(author.ele("wp:author_first_name"), "");
  cdata(author.ele("wp:author_last_name"), "");

  const category = channel.ele("wp:category");
  category.ele("wp:term_id").txt(xmlText("1"));
  cdata(category.ele("wp:category_nicename"), event.slug);
  cdata(category.ele("wp:category_parent"), "");
  cdata(category.ele("wp:cat_name"), event.name);

  const tags = [...new Set(model.sessions.flatMap((s) => s.tags))];
  tags.forEach((tag, i) => {
    const t = channel.ele("wp:tag");
    t.ele("wp:term_id").txt(xmlText(String(i + 2)));
    cdata(t.ele("wp:tag_slug"), termSlug(tag));
    cdata(t.ele("wp:tag_name"), tag);
  });
  channel.ele("generator").txt(xmlText("Unconf"));

  let attachmentId = Math.max(0, ...model.sessions.map((s) => s.number));
  for (const session of model.sessions) {
    const start = session.placement
      ? localToInstant(session.placement.localStart, event.timeZone)
      : new Date(session.createdAt);
    const item = channel.ele("item");
    item.ele("title").txt(xmlText(session.title));
    item.ele("link").txt(xmlText(session.url));
    item.ele("pubDate").txt(xmlText(rfc822(start)));
    cdata(item.ele("dc:creator"), AUTHOR_LOGIN);
    item.ele("guid", { isPermaLink: "false" }).txt(xmlText(session.url));
    item.ele("description").txt(xmlText(""));
    cdata(item.ele("content:encoded"), postContent(model, session));
    // The introduction as the page shows it: sanitised HTML, never the Markdown as typed (which may hold a tag).
    cdata(item.ele("excerpt:encoded"), exportFieldHtml(session.description, session.descriptionHtml));
    item.ele("wp:post_id").txt(xmlText(String(session.number)));
    cdata(item.ele("wp:post_date"), wpDate(start, event.timeZone));
    cdata(item.ele("wp:post_date_gmt"), wpDate(start));
    cdata(item.ele("wp:comment_status"), "closed");
    cdata(item.ele("wp:ping_status"), "closed");
    cdata(item.ele("wp:post_name"), titleSlug(session.title, session.number));
    cdata(item.ele("wp:status"), "draft");
    item.ele("wp:post_parent").txt(xmlText("0"));
    item.ele("wp:menu_order").txt(xmlText("0"));
    cdata(item.ele("wp:post_type"), "post");
    cdata(item.ele("wp:post_password"), "");
    item.ele("wp:is_sticky").txt(xmlText("0"));
    cdata(item.ele("category", { domain: "category", nicename: xmlText(event.slug) }), event.name);
    for (const tag of session.tags)
      cdata(item.ele("category", { domain: "post_tag", nicename: xmlText(termSlug(tag)) }), tag);
    session.photos.forEach((photo, i) => {
      attachmentId += 1;
      const attachment = channel.ele("item");
      attachment.ele("title").txt(xmlText(photo.alt));
      attachment.ele("link").txt(xmlText(photo.url));
      attachment.ele("pubDate").txt(xmlText(rfc822(new Date(photo.createdAt))));
      cdata(attachment.ele("dc:creator"), AUTHOR_LOGIN);
      attachment.ele("guid", { isPermaLink: "false" }).txt(xmlText(photo.url));
      attachment.ele("description").txt(xmlText(""));
      cdata(attachment.ele("content:encoded"), "");
      cdata(attachment.ele("excerpt:encoded"), photo.alt);
      attachment.ele("wp:post_id").txt(xmlText(String(attachmentId)));
      cdata(attachment.ele("wp:post_date"), wpDate(new Date(photo.createdAt), event.timeZone));
      cdata(attachment.ele("wp:post_date_gmt"), wpDate(new Date(photo.createdAt)));
      cdata(attachment.ele("wp:comment_status"), "closed");
      cdata(attachment.ele("wp:ping_status"), "closed");
      cdata(attachment.ele("wp:post_name"), `${titleSlug(session.title, session.number)}-photo-${i + 1}`);
      cdata(attachment.ele("wp:status"), "inherit");
      attachment.ele("wp:post_parent").txt(xmlText(String(session.number)));
      attachment.ele("wp:menu_order").txt(xmlText(String(i)));
      cdata(attachment.ele("wp:post_type"), "attachment");
      cdata(attachment.ele("wp:post_password"), "");
      attachment.ele("wp:is_sticky").txt(xmlText("0"));
      cdata(attachment.ele("wp:attachment_url"), photo.url);
      const meta = attachment.ele("wp:postmeta");
      cdata(meta.ele("wp:meta_key"), "_wp_attachment_image_alt");
      cdata(meta.ele("wp:meta_value"), photo.alt);
    });
  }
  return serialize(doc);
}
