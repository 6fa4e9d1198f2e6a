/**
 * The time zones an organiser can choose, "UTC" first: the runtime's list
 * leaves it out, and a browser set to UTC would otherwise fall back to the
 * first entry (Africa/Abidjan).
 */
export function timeZoneList(supported: readonly string[]): string[] {
  return ["UTC", ...supported.filter((zone) => zone !== "UTC" && zone !== "Etc/UTC")];
}

/** A zone the list offers for `wanted` (a browser's or the server's), or null. */
export function pickTimeZone(wanted: string | undefined, offered: readonly string[]): string | null {
  if (!wanted) return null;
  if (wanted === "Etc/UTC" || wanted === "Etc/GMT" || wanted === "UCT" || wanted === "Zulu") return "UTC";
  return offered.includes(wanted) ? wanted : null;
}
