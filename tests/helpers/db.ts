import Database from "better-sqlite3";

/**
 * A read-only look at a test server's SQLite file, to check what a request
 * really wrote (or that a refused request wrote nothing). The server keeps the
 * one writing connection; this one never writes, and each query sees the
 * latest committed state.
 */
export class DbProbe {
  readonly sqlite: Database.Database;

  constructor(path: string) {
    this.sqlite = new Database(path, { readonly: true, fileMustExist: true });
  }

  /** Rows of one query, as plain objects. */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return this.sqlite.prepare(sql).all(...params) as T[];
  }

  /** The first row of one query, or undefined. */
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return this.sqlite.prepare(sql).get(...params) as T | undefined;
  }

  /** How many rows `table` holds, optionally only those of one event. */
  count(table: string, eventId?: string): number {
    const row = eventId
      ? this.get<{ n: number }>(`select count(*) as n from "${table}" where event_id = ?`, eventId)
      : this.get<{ n: number }>(`select count(*) as n from "${table}"`);
    return row?.n ?? 0;
  }

  eventBySlug(slug: string): EventRow {
    const row = this.get<EventRow>("select * from events where slug = ?", slug);
    if (!row) throw new Error(`no event with slug ${slug} in the database`);
    return row;
  }

  /** Every row of every application table, to compare before and after a refused request. */
  snapshot(): Record<string, unknown[]> {
    const tables = this.all<{ name: string }>(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
    );
    const result: Record<string, unknown[]> = {};
    for (const { name } of tables) result[name] = this.all(`select * from "${name}" order by rowid`);
    return result;
  }

  /** Every text value stored anywhere, joined: to check a secret was never written in the clear. */
  allText(): string {
    return JSON.stringify(this.snapshot());
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }
}

export interface EventRow {
  id: string;
  slug: string;
  name: string;
  date: string;
  time_zone: string;
  organiser_key_hash: string;
  passcode_hash: string | null;
  pitching_open: number;
  voting_open: number;
  votes_per_attendee: number;
  blind_voting: number;
  shuffle_pitches: number;
}

export function openDbProbe(path: string): DbProbe {
  return new DbProbe(path);
}
