import { useRef, useState } from "react";

/**
 * The people who joined, fetched once when a note-taker first goes to "Said
 * by". A name typed exactly as suggested links the note to that person; two
 * people with one name are told apart by a number.
 */
export function usePeople(slug: string) {
  const [people, setPeople] = useState<Array<{ id: string; label: string }>>([]);
  const asked = useRef(false);
  const load = () => {
    if (asked.current) return;
    asked.current = true;
    fetch(`/e/${encodeURIComponent(slug)}/people.json`)
      .then((response) => (response.ok ? response.json() : []))
      .then((list: Array<{ id: string; name: string }>) => {
        const seen = new Map<string, number>();
        setPeople(
          list.map(({ id, name }) => {
            const n = (seen.get(name) ?? 0) + 1;
            seen.set(name, n);
            return { id, label: n === 1 ? name : `${name} (${n})` };
          }),
        );
      })
      .catch(() => {
        asked.current = false;
      });
  };
  const mentionOf = (saidBy: string) => people.find((p) => p.label === saidBy)?.id;
  return { people, load, mentionOf };
}
