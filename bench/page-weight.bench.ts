import { openBrowser } from "../tests/helpers/browser";
import { createEvent, joinAs } from "../tests/helpers/http";
import { startServer } from "../tests/helpers/server";
import type { BenchResult, Figure } from "./run";

/** DESIGN.md: the event, grid and session pages should stay under 130 KB of gzipped JavaScript. */
const BUDGET_KB = 130;

/**
 * The JavaScript a phone really downloads for each page: Chromium loads the
 * page (390x844, a fresh profile, so nothing is cached) and the encoded
 * (gzipped) sizes of every script response are added up. The start page is
 * the baseline measured in the same run.
 */
export async function run(): Promise<BenchResult> {
  const server = await startServer();
  try {
    const { slug, organiserLink, organiser } = await createEvent(server.url, { name: "Weight Camp" });
    await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Hall", capacity: "50" });
    await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "10:00", ends: "11:00" });
    const pitcher = await joinAs(server.url, slug, "Pia");
    const pitched = await pitcher.post(`/e/${slug}/pitch?index`, { title: "A session", description: "Words" });
    const pitchId = pitched.headers.get("location")?.match(/#pitch-(.+)$/)?.[1] ?? "";
    const cookie = pitcher.cookies.get("unconf") ?? "";
    // The organiser's cookie, taken in a throwaway profile so the measured one starts with an empty cache.
    const setup = await openBrowser("desktop");
    await setup.page.goto(organiserLink);
    const organiserCookie = (await setup.context.cookies()).find((c) => c.name === "unconf")?.value ?? "";
    await setup.close();

    async function weigh(
      path: string,
      as: "attendee" | "organiser" | "nobody",
      device: "phone" | "desktop",
    ): Promise<number> {
      const person = await openBrowser(device);
      try {
        if (as === "attendee") await person.context.addCookies([{ name: "unconf", value: cookie, url: server.url }]);
        if (as === "organiser") {
          await person.context.addCookies([{ name: "unconf", value: organiserCookie, url: server.url }]);
        }
        let bytes = 0;
        const sizes: Array<Promise<void>> = [];
        person.page.on("requestfinished", (request) => {
          if (request.resourceType() !== "script") return;
          sizes.push(
            request.sizes().then((s) => {
              bytes += Math.max(0, s.responseBodySize);
            }),
          );
        });
        await person.page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
        await person.page.waitForTimeout(500);
        await Promise.all(sizes);
        return bytes / 1024;
      } finally {
        await person.close();
      }
    }

    // Phones, except the organiser's grid on a desktop: drag and drop (dnd-kit) loads only for a fine pointer or a
    // wide screen, so an organiser's phone places sessions with the dialog and never downloads it.
    const pages: Array<[string, string, "attendee" | "organiser" | "nobody", "phone" | "desktop"]> = [
      ["start page (baseline)", "/", "nobody", "phone"],
      ["event page", `/e/${slug}`, "attendee", "phone"],
      ["grid (attendee)", `/e/${slug}/grid`, "attendee", "phone"],
      ["session page", `/e/${slug}/s/${pitchId}`, "attendee", "phone"],
      ["grid (organiser's phone)", `/e/${slug}/grid`, "organiser", "phone"],
      ["grid (organiser's desktop, with drag and drop)", `/e/${slug}/grid`, "organiser", "desktop"],
      ["organiser console", `/e/${slug}/admin`, "organiser", "phone"],
    ];
    const figures: Figure[] = [];
    let baseline = 0;
    for (const [label, path, as, device] of pages) {
      const kb = await weigh(path, as, device);
      if (!baseline) baseline = kb;
      figures.push({ label: `${label}: gzipped JS`, value: kb, unit: "KB" });
      figures.push({ label: `${label}: vs start page`, value: kb / baseline, unit: "x" });
      figures.push({ label: `${label}: share of the ${BUDGET_KB} KB budget`, value: kb / BUDGET_KB, unit: "x" });
    }
    return {
      name: "page weight",
      description:
        "Gzipped JavaScript downloaded by a fresh phone-size Chromium profile per page, summed from the encoded sizes of script responses.",
      figures,
      notes: [`Budget (DESIGN.md): event, grid and session pages under ${BUDGET_KB} KB.`],
    };
  } finally {
    await server.stop();
  }
}
