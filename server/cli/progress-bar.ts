/**
 * The full synchronization drawn on a terminal: one line redrawn in place with a bar, RDB bytes of
 * the total, keys, percent, rate and time left. The rate is smoothed over the samples so the time
 * left does not jump with every status.
 */
export interface FullSyncFigures {
  bytes: number;
  totalBytes: number | null;
  keys: number;
}

export class FullSyncBar {
  private last: { bytes: number; at: number } | null = null;
  private rate: number | null = null;

  constructor(private readonly width = 24) {}

  /** The line for these figures at time `now` (ms). */
  render(f: FullSyncFigures, now: number): string {
    if (this.last && now > this.last.at) {
      const instant = ((f.bytes - this.last.bytes) * 1000) / (now - this.last.at);
      this.rate = this.rate === null ? instant : this.rate * 0.7 + instant * 0.3;
    }
    if (!this.last || now - this.last.at >= 250) this.last = { bytes: f.bytes, at: now };
    const fraction = f.totalBytes ? Math.min(1, f.bytes / f.totalBytes) : null;
    const filled = fraction === null ? 0 : Math.round(fraction * this.width);
    const bar = fraction === null ? "?".repeat(this.width) : "#".repeat(filled) + "-".repeat(this.width - filled);
    const pct = fraction === null ? "" : ` ${Math.floor(fraction * 100)}%`;
    const size = `${megabytes(f.bytes)}${f.totalBytes ? ` of ${megabytes(f.totalBytes)}` : ""}`;
    const rate = this.rate !== null && this.rate > 0 ? `, ${megabytes(this.rate)}/s` : "";
    const left = fraction !== null && this.rate && this.rate > 0 && f.totalBytes ? `, ${duration((f.totalBytes - f.bytes) / this.rate)} left` : "";
    return `full sync [${bar}]${pct} ${size}, ${f.keys.toLocaleString("en-US")} keys${rate}${left}`;
  }
}

function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
