import { describe, expect, it } from "vitest";
import { slugify, uniqueSlug } from "../../app/domain/slug";

describe("slugify", () => {
  it.each([
    ["Demo Camp", "demo-camp"],
    ["UKGovCamp 2026", "ukgovcamp-2026"],
    ["Café Crème", "cafe-creme"],
    ["Łódź? no: only decomposable accents fold", "odz-no-only-decomposable-accents-fold"],
    ["Zürich Ünconf", "zurich-unconf"],
    ["Ångström & Ñandú", "angstrom-nandu"],
    ["  Open   Data!!!  Day  ", "open-data-day"],
    ["Rock 'n' Roll: the (re)mix", "rock-n-roll-the-re-mix"],
    ["a--b__c..d", "a-b-c-d"],
    ["---edge---", "edge"],
    ["ＦＵＬＬＷＩＤＴＨ １２", "fullwidth-12"],
  ])("turns %j into %j", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it.each(["", "   ", "!!!", "日本語", "🎉🎉", "---"])("falls back to 'event' when %j leaves nothing", (name) => {
    expect(slugify(name)).toBe("event");
  });

  it("only ever yields lower-case ASCII letters, digits and single inner hyphens", () => {
    for (const name of ["Ça va? Oui!", "A & B", "x_y", "Ünïcödé—dash", "tab\there", "new\nline"]) {
      expect(slugify(name)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it("caps the slug at 60 characters", () => {
    const slug = slugify("a".repeat(200));
    expect(slug).toBe("a".repeat(60));
  });

  it("does not end with a hyphen when the cut falls on a word boundary", () => {
    // 59 letters, then a space: the 60th character would be a hyphen.
    const slug = slugify(`${"b".repeat(59)} second word`);
    expect(slug).toBe("b".repeat(59));
    expect(slug.endsWith("-")).toBe(false);
  });

  it("keeps words whole up to the cap", () => {
    const slug = slugify("The Quite Long Name Of A Regional Unconference About Public Services 2026");
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).toBe("the-quite-long-name-of-a-regional-unconference-about-public");
  });
});

describe("uniqueSlug", () => {
  it("keeps the base when it is free", () => {
    expect(uniqueSlug("camp", new Set())).toBe("camp");
    expect(uniqueSlug("camp", new Set(["camp-2", "other"]))).toBe("camp");
  });

  it("numbers from 2 when the base is taken", () => {
    expect(uniqueSlug("camp", new Set(["camp"]))).toBe("camp-2");
  });

  it("takes the first free number, filling gaps", () => {
    expect(uniqueSlug("camp", new Set(["camp", "camp-2", "camp-3"]))).toBe("camp-4");
    expect(uniqueSlug("camp", new Set(["camp", "camp-3"]))).toBe("camp-2");
  });

  it("is not fooled by look-alike slugs", () => {
    expect(uniqueSlug("camp", new Set(["camp", "camp-2x", "camp-02", "camping"]))).toBe("camp-2");
  });
});
