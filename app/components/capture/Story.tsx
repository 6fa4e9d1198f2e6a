import type { ReactNode } from "react";
import { SanitisedHtml } from "../SanitisedHtml";

/** The three parts of a blocker story, in the order people tell them. */
export const storyFields = [
  { name: "blocker", label: "Blocker", hint: "What stopped people doing the right thing" },
  { name: "impact", label: "Impact", hint: "What it cost" },
  { name: "helped", label: "What helped", hint: "What got round it" },
] as const;

export type StoryFieldName = (typeof storyFields)[number]["name"];

/** A blocker story as a definition list; empty parts are left out. */
export function StoryList({
  html,
  className,
  children,
}: {
  html: Record<StoryFieldName, string>;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <div className={className}>
      <dl className="story">
        {storyFields
          .filter((field) => field.name === "blocker" || html[field.name])
          .map((field) => (
            <div key={field.name}>
              <dt>{field.label}</dt>
              <dd>
                <SanitisedHtml html={html[field.name]} />
              </dd>
            </div>
          ))}
      </dl>
      {children}
    </div>
  );
}
