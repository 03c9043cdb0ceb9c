/**
 * A node's images and its image puller.
 *
 * Models pkg/kubelet/images/puller.go serialImagePuller (the default `serializeImagePulls: true`:
 * one pull at a time per node, in request order) and containerd's image store. Pull times are
 * deterministic from the node's seeded random stream: a first pull takes a fixed overhead plus the
 * image size over the link speed (nginx ≈ 3 s); a pull of an image whose layers are already on the
 * node only resolves the manifest (a fraction of a second); a failing pull takes a registry round
 * trip. Requests made while another pull runs wait, which is what the kubelet's
 * `(… including waiting)` reports.
 */
import type { Rng } from '../../sim/rng';
import type { ImageRef } from '../../workloads/image-ref';
import type { PullOutcome } from '../../workloads/catalog';
import { pullImage } from '../../workloads/catalog';

export interface PullTicket {
  requestedAt: number;
  startedAt: number;
  doneAt: number;
  outcome: PullOutcome;
}

export class NodeImages {
  /** normalized name → the time its layers are (or will be) on the node. */
  private readonly presentAt = new Map<string, number>();
  private busyUntil = 0;

  constructor(private readonly rng: Rng) {}

  /** Images kubeadm pre-pulled (they are present from the start). */
  preload(normalized: Iterable<string>): void {
    for (const n of normalized) this.presentAt.set(n, -Infinity);
  }

  isPresent(ref: ImageRef, now: number): boolean {
    const t = this.presentAt.get(ref.normalized);
    return t !== undefined && t <= now;
  }

  /** Queue a pull behind any running one; the outcome and timing are decided now. */
  requestPull(ref: ImageRef, now: number): PullTicket {
    const outcome = pullImage(ref);
    const startedAt = Math.max(now, this.busyUntil);
    const layersAt = this.presentAt.get(ref.normalized);
    let ms: number;
    if (!outcome.ok) ms = this.rng.range(400, 1500);
    else if (layersAt !== undefined && layersAt <= startedAt) ms = this.rng.range(200, 900);
    else {
      const bytesPerMs = this.rng.range(25_000, 45_000); // 25–45 MB/s
      ms = this.rng.range(500, 1200) + Math.round(outcome.sizeBytes / bytesPerMs);
    }
    const doneAt = startedAt + ms;
    this.busyUntil = doneAt;
    if (outcome.ok && (layersAt === undefined || layersAt > doneAt))
      this.presentAt.set(ref.normalized, doneAt);
    return { requestedAt: now, startedAt, doneAt, outcome };
  }
}
