/**
 * The inspection stream: the control-plane story as data. Beside the store's change feed (what the
 * objects look like now), it says who did what: each API write (actor, verb, new resourceVersion),
 * each watch delivery (which controller was told), each reconcile (controller, key, outcome).
 * The UI animates it (kubectl → kube-apiserver → etcd → watchers → kubelet / kube-proxy) and tests
 * assert on it. Emitting is free when nobody listens.
 */

export type InspectionRecord =
  | {
      type: 'write';
      seq: number;
      at: number;
      actor: string;
      verb: 'create' | 'update' | 'updateStatus' | 'delete' | 'remove';
      kind: string;
      namespace: string;
      name: string;
      resourceVersion: string;
    }
  | {
      type: 'watch';
      seq: number;
      at: number;
      watcher: string;
      event: 'ADDED' | 'MODIFIED' | 'DELETED';
      kind: string;
      namespace: string;
      name: string;
      resourceVersion: string;
    }
  | {
      type: 'reconcile';
      seq: number;
      at: number;
      controller: string;
      key: string;
      outcome: 'ok' | 'requeue' | 'error';
      message?: string;
    };

/** A record without its seq / at, which the inspector stamps. */
export type InspectionInput = InspectionRecord extends infer R
  ? R extends InspectionRecord
    ? Omit<R, 'seq' | 'at'>
    : never
  : never;

export type InspectionListener = (rec: InspectionRecord) => void;

export class Inspector {
  private seq = 0;
  private listeners: InspectionListener[] = [];

  constructor(private readonly now: () => number) {}

  get active(): boolean {
    return this.listeners.length > 0;
  }

  emit(rec: InspectionInput): void {
    if (this.listeners.length === 0) return;
    const full = { ...rec, seq: ++this.seq, at: this.now() } as InspectionRecord;
    for (const l of this.listeners) l(full);
  }

  subscribe(listener: InspectionListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Keep the last `limit` records in memory (for the UI's timeline and for tests). */
  record(limit = 10_000): { records: InspectionRecord[]; stop: () => void } {
    const records: InspectionRecord[] = [];
    const stop = this.subscribe((r) => {
      records.push(r);
      if (records.length > limit) records.splice(0, records.length - limit);
    });
    return { records, stop };
  }
}
