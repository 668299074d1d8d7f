import { type SqlClient } from '@perch/sql';

/**
 * A SqlClient over a real one that lets a test hold transactions open (they wait before BEGIN, so the database
 * holds no lock meanwhile), make the next ones fail, and see how many ran, how many overlapped and how many rows
 * each wrote (the rows of the first parameter of its statements: a JSON array for the jsonb_to_recordset writes).
 */
export class GatedSqlClient implements SqlClient {
  transactions = 0;
  /** Most transactions open at the same time. */
  maxOpen = 0;
  /** Rows written per transaction, in the order they began. */
  readonly rowsPerTransaction: number[] = [];
  private open = 0;
  private gate: Promise<void> | null = null;
  private failures = 0;

  constructor(private readonly inner: SqlClient) {}

  /** Transactions begun from now on wait until the returned function is called. */
  hold(): () => void {
    let release: () => void = () => undefined;
    this.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = null;
      release();
    };
  }

  /** The next `count` transactions fail (after waiting at the gate), writing nothing. */
  failNext(count: number): void {
    this.failures = count;
  }

  /** Statements run outside a transaction, and the rows each wrote (as rowsPerTransaction counts them). */
  readonly rowsPerStatement: number[] = [];

  query<R extends object>(text: string, params?: readonly unknown[]): Promise<R[]> {
    const rows = rowsOf(params?.[0]);
    if (rows !== undefined) this.rowsPerStatement.push(rows);
    return this.inner.query<R>(text, params);
  }

  script(sql: string): Promise<void> {
    return this.inner.script(sql);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const index = this.transactions++;
    this.rowsPerTransaction[index] = 0;
    this.open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    try {
      if (this.gate) await this.gate;
      if (this.failures > 0) {
        this.failures -= 1;
        throw new Error('flush failed (test)');
      }
      return await this.inner.transaction((tx) =>
        work({
          query: <R extends object>(text: string, params?: readonly unknown[]) => {
            const rows = rowsOf(params?.[0]);
            if (rows !== undefined) this.rowsPerTransaction[index] = (this.rowsPerTransaction[index] ?? 0) + rows;
            return tx.query<R>(text, params);
          },
          script: (sql) => tx.script(sql),
          transaction: (inner) => tx.transaction(inner),
        }),
      );
    } finally {
      this.open -= 1;
    }
  }
}

/** Rows a statement writes: its first parameter as an array, or as a JSON array (jsonb_to_recordset). */
function rowsOf(first: unknown): number | undefined {
  if (Array.isArray(first)) return first.length;
  if (typeof first === 'string' && first.startsWith('[')) {
    const parsed: unknown = JSON.parse(first);
    return Array.isArray(parsed) ? parsed.length : undefined;
  }
  return undefined;
}
