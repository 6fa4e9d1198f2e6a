/**
 * HTML rendered from people's Markdown and sanitised on the server
 * (app/domain/markdown.server.ts): the one place such HTML enters a page.
 */
export function SanitisedHtml({ html, className = "prose" }: { html: string; className?: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised on the server
  return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
}
