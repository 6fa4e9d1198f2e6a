/**
 * Decodes a Remix single-fetch (turbo-stream) answer made of plain objects,
 * arrays and primitives, which is all our actions return to fetchers.
 * Anything richer throws, so a change of format fails loudly instead of
 * misreading.
 */
export function decodeTurboStream(body: string): unknown {
  const values = JSON.parse(body.split("\n")[0] ?? "") as unknown[];
  const special: Record<number, unknown> = { [-5]: null, [-7]: undefined };
  const hydrate = (index: number): unknown => {
    if (index < 0) {
      if (!(index in special)) throw new Error(`unsupported turbo-stream constant ${index}`);
      return special[index];
    }
    const value = values[index];
    if (Array.isArray(value)) {
      if (typeof value[0] === "string") throw new Error(`unsupported turbo-stream type ${value[0]}`);
      return value.map((i) => hydrate(i as number));
    }
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, i]) => [values[Number(key.slice(1))] as string, hydrate(i as number)]),
      );
    }
    return value;
  };
  return hydrate(0);
}
